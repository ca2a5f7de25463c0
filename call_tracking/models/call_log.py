"""One phone-marketing call (电话营销), entered in the day's tracking sheet with
the customer's needs and the products marketed."""
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_datetime

from .constants import CALL_OUTCOMES, MAX_CALL_SECONDS

# Derived from the customer, the time and the duration, never typed.
DERIVED_FIELDS = frozenset({"branch_id", "sheet_id", "call_date", "is_effective"})
# The values a call's sheet follows from.
SHEET_KEY_FIELDS = frozenset({"partner_id", "user_id", "call_start"})


class CallLog(models.Model):
    _name = "call.log"
    _description = "Phone Marketing Call"
    _order = "call_start desc, id desc"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="restrict",
        domain="[('branch_id', '!=', False)]",
    )
    user_id = fields.Many2one(
        "res.users", string="Caller", required=True, index=True, ondelete="restrict",
        default=lambda self: self.env.user, domain="[('share', '=', False)]",
    )
    branch_id = fields.Many2one(
        "bank.branch", string="Customer's Branch", readonly=True, index=True, ondelete="restrict",
        help="The customer's branch when the call was made (an outlet's customers are on its "
        "sub-branch's sheet).",
    )
    sheet_id = fields.Many2one(
        "call.sheet", string="Daily Sheet", readonly=True, index=True, ondelete="restrict",
        help="The sheet of the call's day (bank time) of the sub-branch the customer belongs to.",
    )
    sheet_state = fields.Selection(related="sheet_id.state", string="Sheet Status")
    call_date = fields.Date(string="Day", related="sheet_id.date", store=True, index=True)
    call_start = fields.Datetime(string="Start", required=True, index=True, default=fields.Datetime.now)
    duration_seconds = fields.Integer(string="Duration (seconds)", required=True, default=0)
    is_effective = fields.Boolean(
        string="Effective", compute="_compute_is_effective", store=True,
        help="The call lasted at least the branch's effective-call threshold (60 seconds by default).",
    )
    needs = fields.Text(string="Customer's Needs")
    products_marketed = fields.Text()
    outcome = fields.Selection(CALL_OUTCOMES)
    company_id = fields.Many2one(related="sheet_id.company_id", store=True)
    script_id = fields.Many2one(
        "call.script", string="Script Used", index="btree_not_null", ondelete="restrict",
        help="The script (话术) followed in the call.",
    )
    suggested_script_ids = fields.Many2many(
        "call.script", string="Suggested Scripts", compute="_compute_suggested_script_ids",
        help="The scripts that fit the customer today: a product maturing, just upgraded to "
        "4★ or 5★, no contact for a long time; appointment and care calls always.",
    )

    @api.depends("partner_id", "call_start")
    def _compute_display_name(self):
        for call in self:
            start = format_datetime(self.env, call.call_start, dt_format="short") if call.call_start else ""
            call.display_name = f"{call.partner_id.name or ''} · {start}"

    @api.depends("duration_seconds", "sheet_id.effective_seconds")
    def _compute_is_effective(self):
        # 通话1分钟以上视为有效营销: the threshold is the branch's, as its sheet took it
        for call in self:
            call.is_effective = bool(call.sheet_id) and call.duration_seconds >= call.sheet_id.effective_seconds

    @api.depends("partner_id")
    def _compute_suggested_script_ids(self):
        Script = self.env["call.script"]
        for call in self:
            call.suggested_script_ids = Script._suggest_for_partner(call.partner_id) if call.partner_id else Script

    # ------------------------------------------------------------------
    # Checks: one method per rule, for create and write alike
    # ------------------------------------------------------------------
    @api.model
    def _check_logger(self):
        """The current user may log and change calls: bank staff, not audit
        or HR (who read every branch's calls and write none)."""
        if self.env.su:
            return
        user = self.env.user
        if not user.has_group("star_tiering.group_bank_user") or (
            user.has_group("star_tiering.group_bank_auditor")
            and not user.has_group("star_tiering.group_bank_branch_manager")
        ):
            raise AccessError(self.env._("Audit and HR read the calls; they do not log or change them."))

    def _check_own_calls(self, caller_ids):
        """Staff log and change their own calls only: the leaderboard ranks
        callers by them. A branch manager (supervisor, president) or head
        office keys paper records in for anyone of the branch."""
        if self.env.su or self.env.user.has_group("star_tiering.group_bank_branch_manager"):
            return
        if (set(filter(None, caller_ids)) | set(self.mapped("user_id").ids)) - {self.env.uid}:
            raise AccessError(self.env._(
                "Staff log and change their own calls only; a supervisor or the branch president keys in "
                "the calls of others."
            ))

    @api.model
    def _check_duration(self, duration):
        """A call's duration as sent by a client: a whole number of seconds
        from 0 to 4 hours (14,400 s included; longer is a typing error, not a
        call). Returns it as an int; anything else (empty, text, a fraction,
        out of range) is a ValidationError, before anything is written."""
        if duration is None or duration is False:
            raise ValidationError(self.env._("Enter the duration of the call in seconds."))
        if isinstance(duration, float) and duration.is_integer():
            duration = int(duration)
        if isinstance(duration, bool) or not isinstance(duration, int):
            raise ValidationError(self.env._(
                "The duration of a call is a whole number of seconds: “%(duration)s” is not.", duration=duration,
            ))
        if not 0 <= duration <= MAX_CALL_SECONDS:
            raise ValidationError(self.env._(
                "A call lasts between 0 and %(max)s seconds (4 hours): %(duration)s is not a call's duration.",
                max=MAX_CALL_SECONDS, duration=duration,
            ))
        return duration

    @api.model
    def _check_call(self, partner, caller, start, sheet_branches):
        """A call of ``caller`` to ``partner`` started at ``start`` (UTC):
        not in the future, to a bank customer in the caller's branch tree.
        ``sheet_branches``: _call_sheet_branch() of the customers' branches.
        Returns the sub-branch id whose sheet the call goes on."""
        if not start:
            raise ValidationError(self.env._("A call has a start time: enter when it began."))
        if start > fields.Datetime.now():
            raise ValidationError(self.env._(
                "A call cannot be logged before it happens: %(start)s is in the future.",
                start=format_datetime(self.env, start),
            ))
        if not partner.branch_id:
            raise ValidationError(self.env._(
                "%(customer)s is not a customer of a bank branch.", customer=partner.display_name,
            ))
        caller_branch = caller.branch_id
        if not caller_branch or not partner.branch_id.parent_path.startswith(caller_branch.parent_path):
            raise ValidationError(self.env._(
                "%(caller)s (%(caller_branch)s) cannot call %(customer)s, a customer of %(branch)s: staff call "
                "the customers of their own branch and its outlets.",
                caller=caller.name, caller_branch=caller_branch.display_name or self.env._("no branch"),
                customer=partner.display_name, branch=partner.branch_id.display_name,
            ))
        sub_branch = sheet_branches.get(partner.branch_id.id)
        if not sub_branch:
            raise ValidationError(self.env._(
                "%(branch)s belongs to no sub-branch: there is no call sheet for its customers.",
                branch=partner.branch_id.display_name,
            ))
        return sub_branch

    def _derive(self, calls):
        """For each (partner, caller, start) of ``calls``: the derived values
        (customer's branch, sheet). Checks every call, then every day's sheet
        (call.sheet._sheets_for_calls: not submitted or signed, a working day
        when it must be opened) before opening any missing sheet: nothing is
        half-written."""
        Branch = self.env["bank.branch"]
        sheet_branches = Branch.sudo().union(*(partner.branch_id for partner, _caller, _start in calls))
        sheet_branches = sheet_branches._call_sheet_branch()
        keys = [
            (self._check_call(partner, caller, start, sheet_branches), Branch._bank_date(start))
            for partner, caller, start in calls
        ]
        sheets = self.env["call.sheet"]._sheets_for_calls(keys)
        return [
            {"branch_id": partner.branch_id.id, "sheet_id": sheets[key].id}
            for (partner, _caller, _start), key in zip(calls, keys, strict=True)
        ]

    def _call_values(self, vals_list):
        """[(customer, caller, start)] of calls about to be written, in one
        batch of reads (sudo: the checks need the customer's branch, which
        the user may not read when the call is refused)."""
        for vals in vals_list:
            if not vals.get("partner_id"):
                raise ValidationError(self.env._("A call is made to a customer: choose the customer."))
            if not vals.get("user_id"):
                raise ValidationError(self.env._("A call is made by a caller: choose who called."))
        partners = self.env["res.partner"].sudo().browse([vals["partner_id"] for vals in vals_list])
        callers = self.env["res.users"].sudo().browse([vals["user_id"] for vals in vals_list])
        result = []
        for partner, caller, vals in zip(partners, callers, vals_list, strict=True):
            try:
                start = fields.Datetime.to_datetime(vals["call_start"])
            except (TypeError, ValueError) as error:
                raise ValidationError(self.env._(
                    "“%(start)s” is not the date and time a call began.", start=vals["call_start"],
                )) from error
            result.append((partner, caller, start))
        return result

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        self._check_logger()
        self.check_access("create")
        # the defaults first, so that the checks see what will be stored
        vals_list = [
            {name: value for name, value in self._add_missing_default_values(vals).items()
             if name not in DERIVED_FIELDS}
            for vals in vals_list
        ]
        self._check_own_calls([vals.get("user_id") for vals in vals_list])
        for vals in vals_list:
            vals["duration_seconds"] = self._check_duration(vals.get("duration_seconds"))
        derived = self._derive(self._call_values(vals_list))
        for vals, extra in zip(vals_list, derived, strict=True):
            vals.update(extra)
        calls = super().create(vals_list)
        calls._after_logged()
        return calls

    def write(self, vals):
        self._check_logger()
        if DERIVED_FIELDS & set(vals):
            raise UserError(self.env._(
                "The sheet, the branch and the effectiveness of a call follow from its customer, "
                "time and duration; they are not set by hand."
            ))
        self._check_own_calls([vals["user_id"]] if "user_id" in vals else [])
        self.sheet_id._check_draft()
        if "duration_seconds" in vals:
            vals = dict(vals, duration_seconds=self._check_duration(vals["duration_seconds"]))
        if not SHEET_KEY_FIELDS & set(vals):
            res = super().write(vals)
            if "duration_seconds" in vals:
                self._after_logged()
            return res
        # a new customer, caller or time may move the call to another sheet
        changed = {name: vals[name] for name in SHEET_KEY_FIELDS & set(vals)}
        calls = self._call_values([
            {"partner_id": call.partner_id.id, "user_id": call.user_id.id, "call_start": call.call_start, **changed}
            for call in self
        ])
        by_target = defaultdict(list)
        for call, extra in zip(self, self._derive(calls), strict=True):
            by_target[tuple(sorted(extra.items()))].append(call.id)
        for extra, ids in by_target.items():
            super(CallLog, self.browse(ids)).write({**vals, **dict(extra)})
        self._after_logged()
        return True

    @api.ondelete(at_uninstall=False)
    def _unlink_except_signed(self):
        self._check_logger()
        self._check_own_calls([])
        self.sheet_id._check_draft()

    # ------------------------------------------------------------------
    # What an effective call also means
    # ------------------------------------------------------------------
    def _after_logged(self):
        """An effective call is a contact with the customer: it moves their
        last contact (star_tiering's contact cadence) and completes the
        caller's open phone-marketing to-dos for that customer."""
        effective = self.sudo().filtered("is_effective")
        if not effective:
            return
        last = {}
        for call in effective:
            last[call.partner_id] = max(last.get(call.partner_id, call.call_date), call.call_date)
        by_day = defaultdict(lambda: self.env["res.partner"].sudo())
        for partner, day in last.items():
            if not partner.last_contact_date or partner.last_contact_date < day:
                by_day[day] |= partner
        for day, partners in by_day.items():
            partners.write({"last_contact_date": day})
        activity_type = self.env.ref("call_tracking.mail_activity_type_phone_marketing", raise_if_not_found=False)
        if not activity_type:
            return
        activities = self.env["mail.activity"].sudo().search([
            ("res_model", "=", "res.partner"),
            ("res_id", "in", effective.partner_id.ids),
            ("activity_type_id", "=", activity_type.id),
            ("user_id", "in", effective.user_id.ids),
        ])
        for activity in activities:
            call = effective.filtered(
                lambda c, activity=activity: c.partner_id.id == activity.res_id and c.user_id == activity.user_id
            )[:1]
            if call:
                activity.action_feedback(feedback=self.env._(
                    "Call of %(duration)s seconds logged.", duration=call.duration_seconds,
                ))
