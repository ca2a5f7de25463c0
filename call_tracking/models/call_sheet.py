"""The day's call-tracking sheet (《电话追踪表格》) of a sub-branch: its calls,
its effective customers against the quota, and the two signatures (签字确认)
of the accounting supervisor and then the branch president."""
import datetime
import logging
from collections import defaultdict

import psycopg2.errors
import pytz

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, format_date, mute_logger

from .constants import LOCKED_STATES, SHEET_STATES

_logger = logging.getLogger(__name__)



# What staff may write on a draft sheet.
STAFF_FIELDS = frozenset({"shortfall_reason", "designated_user_ids"})
# The circular's numbers as the branch had them when the sheet opened; head
# office may correct them on a draft sheet.
SNAPSHOT_FIELDS = frozenset({"quota", "effective_seconds"})
# The state and the signatures: the transitions write them, nobody else.
WORKFLOW_FIELDS = frozenset({
    "state", "submitted_by_id", "submitted_date", "supervisor_id", "supervisor_signed_date",
    "president_id", "president_signed_date", "reopened_by_id", "reopened_date", "reopen_reason",
})


class CallSheet(models.Model):
    _name = "call.sheet"
    _description = "Daily Call-Tracking Sheet"
    _inherit = ["mail.thread", "mail.activity.mixin", "call.transition.mixin"]
    _order = "date desc, branch_id"

    branch_id = fields.Many2one(
        "bank.branch", string="Sub-branch", required=True, readonly=True, index=True,
        ondelete="restrict", domain="[('branch_type', '=', 'sub_branch')]",
    )
    date = fields.Date(required=True, readonly=True, index=True)
    company_id = fields.Many2one(related="branch_id.company_id", store=True)
    designated_user_ids = fields.Many2many(
        "res.users", "call_sheet_designated_user_rel", "sheet_id", "user_id",
        string="Designated Callers", domain="[('share', '=', False)]",
        help="The tellers assigned to make the day's calls.",
    )
    call_ids = fields.One2many("call.log", "sheet_id", string="Calls", readonly=True)
    call_count = fields.Integer(
        string="Number of Calls", compute="_compute_effective_customer_count", store=True,
        help="Every call of the day, effective or not.",
    )
    effective_customer_count = fields.Integer(
        string="Effective Customers", compute="_compute_effective_customer_count", store=True,
        help="Distinct customers with at least one effective call this day.",
    )
    quota = fields.Integer(
        readonly=True,
        help="Effective customers required this day: the branch's daily quota on a working "
        "day from its start date, 0 otherwise.",
    )
    effective_seconds = fields.Integer(
        string="Effective Call From (seconds)", readonly=True,
        help="The branch's effective-call threshold when the sheet opened.",
    )
    shortfall = fields.Integer(
        compute="_compute_shortfall", store=True,
        help="Effective customers missing to reach the quota.",
    )
    shortfall_reason = fields.Text(
        string="Reason for the Shortfall", tracking=True,
        help="Required to submit a sheet that falls short of its quota.",
    )
    state = fields.Selection(
        SHEET_STATES, default="draft", required=True, readonly=True, copy=False,
        index=True, tracking=True,
    )
    is_locked = fields.Boolean(string="Signed", compute="_compute_is_locked")
    is_today = fields.Boolean(string="Today", compute="_compute_is_today", search="_search_is_today")
    submitted_by_id = fields.Many2one(
        "res.users", string="Submitted by", readonly=True, copy=False, ondelete="restrict",
    )
    submitted_date = fields.Datetime(string="Submitted on", readonly=True, copy=False)
    supervisor_id = fields.Many2one(
        "res.users", string="Accounting Supervisor", readonly=True, copy=False, tracking=True, ondelete="restrict",
        help="Who signed as accounting supervisor (or deputy).",
    )
    supervisor_signed_date = fields.Datetime(string="Supervisor Signed on", readonly=True, copy=False)
    president_id = fields.Many2one(
        "res.users", string="Branch President", readonly=True, copy=False, tracking=True, ondelete="restrict",
        help="Who signed as branch president (or deputy).",
    )
    president_signed_date = fields.Datetime(string="President Signed on", readonly=True, copy=False)
    reopened_by_id = fields.Many2one(
        "res.users", string="Last Reopened by", readonly=True, copy=False, ondelete="restrict",
    )
    reopened_date = fields.Datetime(string="Last Reopened on", readonly=True, copy=False)
    reopen_reason = fields.Text(string="Reason for Reopening", readonly=True, copy=False)
    can_sign_supervisor = fields.Boolean(compute="_compute_can_sign")
    can_sign_president = fields.Boolean(compute="_compute_can_sign")

    _sql_constraints = [
        ("branch_date_uniq", "unique(branch_id, date)", "A sub-branch has one call sheet per day."),
        ("quota_positive", "CHECK(quota >= 0)", "The quota of a call sheet cannot be negative."),
    ]

    @api.depends("branch_id", "date")
    def _compute_display_name(self):
        for sheet in self:
            sheet.display_name = (
                f"{sheet.branch_id.name} · {format_date(self.env, sheet.date)}" if sheet.date else sheet.branch_id.name
            )

    @api.depends("call_ids.is_effective", "call_ids.partner_id")
    def _compute_effective_customer_count(self):
        # one query for the batch; sudo: the counts are the branch's, whatever
        # part of its calls the user who triggers the recompute can read
        saved = self.filtered(lambda sheet: isinstance(sheet.id, int))
        counts = {}
        if saved:
            for sheet, effective, customers, calls in self.env["call.log"].sudo()._read_group(
                [("sheet_id", "in", saved.ids)], ["sheet_id", "is_effective"],
                ["partner_id:count_distinct", "__count"],
            ):
                total, distinct = counts.get(sheet.id, (0, 0))
                counts[sheet.id] = (total + calls, distinct + (customers if effective else 0))
        for sheet in self:
            if sheet in saved:
                sheet.call_count, sheet.effective_customer_count = counts.get(sheet.id, (0, 0))
            else:  # a sheet being edited in a form: its calls are in memory
                sheet.call_count = len(sheet.call_ids)
                sheet.effective_customer_count = len(sheet.call_ids.filtered("is_effective").partner_id)

    @api.depends("quota", "effective_customer_count")
    def _compute_shortfall(self):
        for sheet in self:
            sheet.shortfall = max(0, sheet.quota - sheet.effective_customer_count)

    @api.depends("state")
    def _compute_is_locked(self):
        for sheet in self:
            sheet.is_locked = sheet.state in LOCKED_STATES

    @api.depends("date")
    def _compute_is_today(self):
        today = self.env["bank.branch"]._bank_today()
        for sheet in self:
            sheet.is_today = sheet.date == today

    def _search_is_today(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Operation not supported"))
        today = self.env["bank.branch"]._bank_today()
        return [("date", "=" if (operator == "=") == value else "!=", today)]

    @api.depends("state", "branch_id", "supervisor_id")
    @api.depends_context("uid")
    def _compute_can_sign(self):
        for sheet in self:
            sheet.can_sign_supervisor = not sheet._sign_error("supervisor")
            sheet.can_sign_president = not sheet._sign_error("president")

    @api.constrains("branch_id")
    def _check_branch_id(self):
        for sheet in self:
            if sheet.branch_id.branch_type != "sub_branch":
                raise ValidationError(self.env._(
                    "%(branch)s is not a sub-branch: the day's call sheet is the sub-branch's, "
                    "for its own customers and its outlets'.", branch=sheet.branch_id.display_name,
                ))

    @api.constrains("date")
    def _check_date(self):
        today = self.env["bank.branch"]._bank_today()
        for sheet in self:
            if sheet.date > today:
                raise ValidationError(self.env._(
                    "A call sheet is opened on its day, not before: %(date)s is in the future.",
                    date=format_date(self.env, sheet.date),
                ))

    @api.constrains("designated_user_ids", "branch_id")
    def _check_designated_user_ids(self):
        callers = defaultdict(lambda: self.env["res.users"])
        for sheet in self:
            callers[sheet.branch_id.id] |= sheet.designated_user_ids
        self.branch_id._call_check_staff(callers)

    # ------------------------------------------------------------------
    # Opening sheets
    # ------------------------------------------------------------------
    @api.model
    def _prepare_sheet_vals(self, branch, day, working=None):
        """A new sheet of ``branch`` (a sub-branch) for ``day``: the branch's
        numbers of now and its designated callers. ``working``: whether the
        day is a working day, when the caller already knows."""
        branch = branch.sudo()
        # a designated caller who left the branch since is not carried over
        callers = branch.call_designated_user_ids.filtered("active")
        callers -= branch._call_strangers(callers)[branch.id]
        return {
            "branch_id": branch.id,
            "date": day,
            "quota": branch.call_daily_quota if branch._call_quota_applies(day, working) else 0,
            "effective_seconds": branch.call_effective_seconds,
            "designated_user_ids": [Command.set(callers.ids)],
        }

    @api.model
    def _find_sheets(self, keys):
        """{(sub-branch id, day): sheet} of the existing sheets among ``keys``."""
        keys = set(keys)
        if not keys:
            return {}
        sheets = self.sudo().search([
            ("branch_id", "in", list({branch_id for branch_id, _day in keys})),
            ("date", "in", list({day for _branch_id, day in keys})),
        ])
        return {
            (sheet.branch_id.id, sheet.date): sheet
            for sheet in sheets if (sheet.branch_id.id, sheet.date) in keys
        }

    @api.model
    def _open_sheets(self, keys, working=None):
        """Open the sheets of ``keys`` ((sub-branch id, day) pairs that had no
        sheet when they were looked up) in one create, and return them.
        ``working``: True when every day is known to be a working day of its
        sub-branch.

        Race-safe: another transaction may open one of these sheets at the
        same moment (a teller's first call of the day while the morning's
        scheduled action runs), and the unique index on (branch_id, date)
        then refuses the create. The sheets are then opened one by one, each
        in its own savepoint, and a sheet another transaction opened is left
        to it: it is not among the sheets returned."""
        if not keys:
            return self.browse()
        Sheet = self.sudo()
        # one batch of branches: their settings and callers are read once for all
        branches = self.env["bank.branch"].sudo().browse(sorted({branch_id for branch_id, _day in keys}))
        by_id = {branch.id: branch for branch in branches}
        vals_list = [
            Sheet._prepare_sheet_vals(by_id[branch_id], day, working) for branch_id, day in sorted(keys)
        ]
        try:
            with self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
                return Sheet.create([dict(vals) for vals in vals_list])
        except psycopg2.errors.UniqueViolation:
            _logger.info("Call tracking: a sheet among %s was opened concurrently; opening them one by one",
                         len(vals_list))
        opened = Sheet.browse()
        for vals in vals_list:
            try:
                with self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
                    opened |= Sheet.create(dict(vals))
            except psycopg2.errors.UniqueViolation:
                _logger.info("Call tracking: the sheet of branch %s for %s was opened concurrently",
                             vals["branch_id"], vals["date"])
        return opened

    @api.model
    def _check_can_open(self, keys):
        """A sheet opens on a working day of its sub-branch only (its
        calendar: weekends, public holidays, make-up working days): a call
        dated on a day off that has no sheet is refused, whatever the day,
        before anything is written. ``keys``: (sub-branch id, day) pairs."""
        if not keys:
            return
        days = [day for _branch_id, day in keys]
        branches = self.env["bank.branch"].sudo().browse({branch_id for branch_id, _day in keys})
        working = branches._call_working_days(min(days), max(days))
        closed = sorted((day, branch_id) for branch_id, day in keys if day not in working.get(branch_id, ()))
        if closed:
            day, branch_id = closed[0]
            raise ValidationError(self.env._(
                "%(date)s is not a working day of %(branch)s: there is no call sheet that day, so no call can "
                "be logged on it. If the branch worked that day, its calendar must say so first (a make-up "
                "working day, set by head office).",
                date=format_date(self.env, day), branch=branches.browse(branch_id).display_name,
            ))

    @api.model
    def _sheets_for_calls(self, keys):
        """{(sub-branch id, day): sheet} for calls about to go on ``keys``:
        each day's sheet, opened when the day has none yet. Refused before
        anything is written: a day whose sheet does not take calls (submitted
        or signed, _check_draft) and a day with no sheet that is not a
        working day of its sub-branch (_check_can_open).

        A sheet opened by a concurrent transaction between the look-up and
        the create is found again, or, when that transaction committed after
        this one began, the request is replayed (_raise_opened_elsewhere)."""
        keys = set(keys)
        sheets = self._find_sheets(keys)
        self.browse([sheet.id for sheet in sheets.values()])._check_draft()
        missing = keys - set(sheets)
        if not missing:
            return sheets
        self._check_can_open(missing)
        for sheet in self._open_sheets(missing, working=True):
            sheets[(sheet.branch_id.id, sheet.date)] = sheet
        missing -= set(sheets)
        if missing:
            found = self._find_sheets(missing)
            self.browse([sheet.id for sheet in found.values()])._check_draft()
            sheets.update(found)
            missing -= set(found)
        if missing:
            self._raise_opened_elsewhere(missing)
        return sheets

    @api.model
    def _raise_opened_elsewhere(self, keys):
        """The sheets of ``keys`` were opened by another transaction that
        committed after this one began: Odoo's REPEATABLE READ isolation hides
        them from this transaction, so no search in it can find them, and a
        retry in it would fail the same way. Inserting them again with ON
        CONFLICT DO NOTHING makes PostgreSQL raise its serialization failure
        on the hidden rows, which Odoo's RPC layer answers by replaying the
        request on a fresh snapshot, where the sheets are found. Should
        PostgreSQL not raise (the other sheet is gone meanwhile), the user is
        asked to save again; either way nothing is written here."""
        branch_ids, days = zip(*sorted(keys), strict=True)
        with self.env.cr.savepoint(flush=False):
            self.env.cr.execute(SQL(
                """
                INSERT INTO call_sheet (branch_id, date, state)
                     SELECT key.branch_id, key.day, 'draft'
                       FROM unnest(%(branch_ids)s::int[], %(days)s::date[]) AS key(branch_id, day)
                ON CONFLICT (branch_id, date) DO NOTHING
                """,
                branch_ids=list(branch_ids), days=list(days),
            ), log_exceptions=False)
            raise UserError(self.env._(
                "Another member of staff opened this day's call sheet at the same moment; please save again."
            ))

    @api.model
    def _cron_open_sheets(self):
        """Open the day's sheet of every sub-branch whose quota applies today
        (a working day of its calendar, from its start date), at the start of
        the bank's day, in one create; the sheets the day already has are
        kept, including one a call opens while this runs (_open_sheets)."""
        Branch = self.env["bank.branch"]
        today = Branch._bank_today()
        sub_branches = Branch.search([("branch_type", "=", "sub_branch")])
        due = sub_branches._call_working_day_branches(today).filtered(
            lambda branch: branch._call_quota_applies(today, working=True)
        )
        keys = {(branch.id, today) for branch in due}
        sheets = self._open_sheets(keys - set(self._find_sheets(keys)), working=True)
        _logger.info("Call tracking: %s call sheet(s) opened for %s", len(sheets), today)
        self.env["ir.cron"]._notify_progress(done=len(sheets), remaining=0)
        return sheets

    @api.model
    def _call_tracking_schedule_crons(self):
        """The scheduled actions at the bank's hours, whatever the server's
        time zone: the sheets open at 00:05 bank time."""
        Branch = self.env["bank.branch"]
        tz = Branch._bank_tz()
        day = Branch._bank_today() + datetime.timedelta(days=1)
        nextcall = tz.localize(datetime.datetime.combine(day, datetime.time(0, 5)))
        cron = self.env.ref("call_tracking.ir_cron_open_call_sheets", raise_if_not_found=False)
        if cron:
            cron.sudo().nextcall = nextcall.astimezone(pytz.utc).replace(tzinfo=None)

    @api.model_create_multi
    def create(self, vals_list):
        transition = self._is_transition()
        for vals in vals_list:
            set_workflow = {
                name for name in WORKFLOW_FIELDS & set(vals)
                if vals[name] and not (name == "state" and vals[name] == "draft")
            }
            if set_workflow and not transition:
                raise UserError(self.env._(
                    "A call sheet starts as a draft; it is submitted and signed through its buttons."
                ))
            if SNAPSHOT_FIELDS & set(vals) and not self._is_head_office():
                raise AccessError(self.env._(
                    "The quota and the effective-call threshold of a sheet come from its branch."
                ))
            missing = (SNAPSHOT_FIELDS | {"designated_user_ids"}) - set(vals)
            if missing and vals.get("branch_id") and vals.get("date"):
                prepared = self._prepare_sheet_vals(
                    self.env["bank.branch"].browse(vals["branch_id"]), fields.Date.to_date(vals["date"])
                )
                vals.update({name: prepared[name] for name in missing})
        return super().create(vals_list)

    # ------------------------------------------------------------------
    # Immutability: a signed sheet is final
    # ------------------------------------------------------------------
    def _is_head_office(self):
        return self.env.su or self.env.user.has_group("star_tiering.group_bank_head_office")

    def _check_unlocked(self):
        """Refuse any change to a signed sheet or its calls, for everyone
        (the administrator and the superuser included): the head-office
        reopen is the only way back."""
        locked = self.sudo().filtered(lambda sheet: sheet.state in LOCKED_STATES)
        if locked:
            sheet = locked[0]
            raise UserError(self.env._(
                "The call sheet of %(branch)s for %(date)s is signed and final: neither it nor its calls "
                "can change. Head office may reopen it.",
                branch=sheet.branch_id.display_name, date=format_date(self.env, sheet.date),
            ))

    def _check_draft(self):
        """Only a draft sheet changes, and its calls with it (added, changed,
        deleted or moved): a signed sheet is final (_check_unlocked), and a
        submitted one waits for its signatures as it was handed in, its counts
        and its reason for a shortfall with it, so that the supervisor never
        signs figures that changed after the submission. Back to Draft first;
        then the sheet is submitted again."""
        self._check_unlocked()
        submitted = self.sudo().filtered(lambda sheet: sheet.state == "submitted")
        if submitted:
            sheet = submitted[0]
            raise UserError(self.env._(
                "The call sheet of %(branch)s for %(date)s is submitted for signature: neither it nor its calls "
                "change while it waits for the supervisor. Take it back to draft (Back to Draft on the sheet) to "
                "add, change or delete a call, then submit it again.",
                branch=sheet.branch_id.display_name, date=format_date(self.env, sheet.date),
            ))

    def _check_staff(self):
        """The user works on these sheets: bank staff who may write them
        (their branch's, or head office), not audit or HR, who only read."""
        if self.env.su:
            return
        user = self.env.user
        if user.has_group("star_tiering.group_bank_auditor") and not user.has_group(
            "star_tiering.group_bank_branch_manager"
        ):
            raise AccessError(self.env._("Audit and HR read the call sheets; they do not change them."))
        self.check_access("write")

    def write(self, vals):
        if not self._is_transition():
            # the chatter (followers, main attachment) works on any sheet
            names = {name for name in vals if not name.startswith(("message_", "activity_"))}
            if names:
                forbidden = names - STAFF_FIELDS - SNAPSHOT_FIELDS
                if forbidden:
                    raise UserError(self.env._(
                        "%(fields)s of a call sheet cannot be changed by hand: the sheet is its sub-branch's "
                        "for one day, its counts follow its calls, its state and signatures its buttons.",
                        fields=", ".join(
                            self._fields[name].get_description(self.env)["string"] for name in sorted(forbidden)
                        ),
                    ))
                self._check_draft()
                if names & SNAPSHOT_FIELDS and not self._is_head_office():
                    raise AccessError(self.env._(
                        "The quota and the effective-call threshold of a sheet are corrected by head office only."
                    ))
                if "designated_user_ids" in names and not (
                    self.env.su or self.env.user.has_group("star_tiering.group_bank_branch_manager")
                ):
                    raise AccessError(self.env._("The branch's managers designate the day's callers."))
                self._check_staff()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_signed_or_called(self):
        self._check_draft()
        if self.sudo().call_ids:
            raise UserError(self.env._("A call sheet with calls cannot be deleted; delete its calls first."))

    # ------------------------------------------------------------------
    # Transitions (modelled on hr.leave's approvals)
    # ------------------------------------------------------------------
    def _check_shortfall_reason(self):
        for sheet in self:
            if sheet.shortfall and not (sheet.shortfall_reason or "").strip():
                raise UserError(self.env._(
                    "%(sheet)s has %(count)s effective customer(s) for a quota of %(quota)s: give the reason "
                    "for the shortfall before submitting it.",
                    sheet=sheet.display_name, count=sheet.effective_customer_count, quota=sheet.quota,
                ))

    def _check_designated_callers(self):
        for sheet in self:
            if sheet.quota and not sheet.designated_user_ids:
                raise UserError(self.env._(
                    "%(sheet)s: designate at least one caller for the day before submitting the sheet.",
                    sheet=sheet.display_name,
                ))

    def action_submit(self):
        """The day's calls are handed in for signature (close of business)."""
        for sheet in self:
            if sheet.state != "draft":
                raise UserError(self.env._("%(sheet)s is already submitted.", sheet=sheet.display_name))
        self._check_staff()
        self._check_designated_callers()
        self._check_shortfall_reason()
        self._transition_write({
            "state": "submitted", "submitted_by_id": self.env.uid, "submitted_date": fields.Datetime.now(),
        })
        return True

    def action_draft(self):
        """Take a submitted sheet back (to add a call or a reason), before any signature."""
        for sheet in self:
            if sheet.state != "submitted":
                raise UserError(self.env._(
                    "Only a submitted sheet not signed yet goes back to draft; %(sheet)s is %(state)s.",
                    sheet=sheet.display_name, state=sheet._state_label(),
                ))
        self._check_staff()
        self._transition_write({"state": "draft", "submitted_by_id": False, "submitted_date": False})
        return True

    def _state_label(self):
        self.ensure_one()
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    def _signers(self, role):
        """Who may sign as ``role`` ('supervisor' or 'president'): the
        branch's accounting supervisor or president, or their deputy."""
        self.ensure_one()
        branch = self.branch_id.sudo()
        if role == "supervisor":
            return branch.accounting_supervisor_id | branch.call_deputy_supervisor_id
        return branch.president_id | branch.call_deputy_president_id

    def _sign_error(self, role):
        """Why the current user may not sign this sheet as ``role`` now (a
        translated message), or None: the one rule behind the sign buttons."""
        self.ensure_one()
        user = self.env.user
        if role == "supervisor":
            if self.state == "draft":
                return self.env._(
                    "%(sheet)s must be submitted before the accounting supervisor signs it.", sheet=self.display_name,
                )
            if self.state != "submitted":
                return self.env._("%(sheet)s is already signed by the accounting supervisor.", sheet=self.display_name)
            if user not in self._signers("supervisor"):
                return self.env._(
                    "Only the accounting supervisor of %(branch)s (or their deputy) signs its call sheets.",
                    branch=self.branch_id.display_name,
                )
            return None
        if self.state in ("draft", "submitted"):
            return self.env._(
                "The accounting supervisor signs %(sheet)s before the branch president.", sheet=self.display_name,
            )
        if self.state != "supervisor_signed":
            return self.env._("%(sheet)s is already signed by the branch president.", sheet=self.display_name)
        if user not in self._signers("president"):
            return self.env._(
                "Only the president of %(branch)s (or their deputy) signs its call sheets after the "
                "accounting supervisor.",
                branch=self.branch_id.display_name,
            )
        if user == self.supervisor_id:
            return self.env._(
                "%(user)s signed %(sheet)s as accounting supervisor: the second signature is another person's.",
                user=user.name, sheet=self.display_name,
            )
        return None

    def _sign(self, role):
        for sheet in self:
            error = sheet._sign_error(role)
            if error:
                raise UserError(error)
        self._check_shortfall_reason()
        now = fields.Datetime.now()
        if role == "supervisor":
            vals = {"state": "supervisor_signed", "supervisor_id": self.env.uid, "supervisor_signed_date": now}
        else:
            vals = {"state": "president_signed", "president_id": self.env.uid, "president_signed_date": now}
        self._transition_write(vals)
        return True

    def action_sign_supervisor(self):
        """The accounting supervisor (会计主管) signs the submitted sheet: from
        now on the sheet and its calls are final."""
        return self._sign("supervisor")

    def action_sign_president(self):
        """The branch president (支行行长) countersigns after the supervisor."""
        return self._sign("president")

    def action_reopen(self, reason):
        """Head office puts signed sheets back to draft, for a recorded
        reason (who, when, why: in the fields and in the chatter); they are
        then submitted and signed again."""
        if not self.env.user.has_group("star_tiering.group_bank_head_office"):
            raise AccessError(self.env._("Only head office reopens a signed call sheet."))
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Give the reason for reopening the call sheet."))
        for sheet in self:
            if sheet.state not in LOCKED_STATES:
                raise UserError(self.env._(
                    "%(sheet)s is not signed: there is nothing to reopen.", sheet=sheet.display_name,
                ))
        self._transition_write({
            "state": "draft",
            "submitted_by_id": False, "submitted_date": False,
            "supervisor_id": False, "supervisor_signed_date": False,
            "president_id": False, "president_signed_date": False,
            "reopened_by_id": self.env.uid, "reopened_date": fields.Datetime.now(), "reopen_reason": reason,
        })
        for sheet in self.sudo():
            sheet.message_post(body=self.env._(
                "Reopened by %(user)s: %(reason)s", user=self.env.user.name, reason=reason,
            ))
        return True

    def action_open_reopen_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reopen the Call Sheet"),
            "res_model": "call.sheet.reopen",
            "view_mode": "form",
            "target": "new",
            "context": {"default_sheet_ids": [Command.set(self.ids)]},
        }

    # ------------------------------------------------------------------
    # Repair
    # ------------------------------------------------------------------
    @api.model
    def _recompute_counts(self, sheets):
        """Rebuild the stored counts of ``sheets`` (any number, e.g. the ones
        selected in the list) from their calls in one statement; only the
        sheets whose counts were wrong are written. Returns how many were.
        The counts are derived data: they are repaired on signed sheets too."""
        if not sheets:
            return 0
        return self._rebuild_counts(SQL("call_sheet.id = ANY(%s)", list(sheets.ids)))

    @api.model
    def _repair_counts(self, date_from, date_to):
        """Rebuild the stored counts of every sheet dated from ``date_from``
        to ``date_to`` (both included; e.g. a month of every sub-branch) from
        their calls in one statement, without loading the sheets. Returns how
        many sheets were wrong."""
        date_from, date_to = fields.Date.to_date(date_from), fields.Date.to_date(date_to)
        if not (date_from and date_to) or date_from > date_to:
            raise UserError(self.env._("Give the first and the last day of the sheets to repair, in that order."))
        return self._rebuild_counts(SQL("call_sheet.date BETWEEN %s AND %s", date_from, date_to))

    @api.model
    def _rebuild_counts(self, condition):
        """The one statement behind the repairs: the sheets matching
        ``condition`` (SQL on call_sheet) get the counts of their calls."""
        self.env["call.log"].flush_model(["sheet_id", "partner_id", "is_effective"])
        self.flush_model(["date", "quota", "call_count", "effective_customer_count", "shortfall"])
        self.env.cr.execute(SQL(
            """
            WITH target AS (
                    SELECT call_sheet.id, call_sheet.quota FROM call_sheet WHERE %(condition)s
                 ), calls AS (
                    SELECT call.sheet_id,
                           COUNT(*) AS call_count,
                           COUNT(DISTINCT call.partner_id) FILTER (WHERE call.is_effective) AS customers
                      FROM call_log AS call
                      JOIN target ON target.id = call.sheet_id
                  GROUP BY call.sheet_id
                 ), fresh AS (
                    SELECT target.id,
                           COALESCE(calls.call_count, 0) AS call_count,
                           COALESCE(calls.customers, 0) AS customers,
                           GREATEST(0, target.quota - COALESCE(calls.customers, 0)) AS shortfall
                      FROM target
                 LEFT JOIN calls ON calls.sheet_id = target.id
                 )
            UPDATE call_sheet AS sheet
               SET call_count = fresh.call_count,
                   effective_customer_count = fresh.customers,
                   shortfall = fresh.shortfall
              FROM fresh
             WHERE sheet.id = fresh.id
               AND (sheet.call_count, sheet.effective_customer_count, sheet.shortfall)
                   IS DISTINCT FROM (fresh.call_count, fresh.customers, fresh.shortfall)
            """,
            condition=condition,
        ))
        repaired = self.env.cr.rowcount
        self.invalidate_model(["call_count", "effective_customer_count", "shortfall"])
        return repaired

    def action_repair_counts(self):
        """Head office: rebuild the counts of every sheet of the months of the
        selected sheets (all sub-branches), one statement per month, e.g.
        after a data correction made outside the application."""
        if not self._is_head_office():
            raise AccessError(self.env._("Head office repairs the counts of the call sheets."))
        months = sorted({sheet.date.replace(day=1) for sheet in self})
        repaired = 0
        for first in months:
            following = (first + datetime.timedelta(days=32)).replace(day=1)
            repaired += self._repair_counts(first, following - datetime.timedelta(days=1))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Counts rebuilt from the calls for %(months)s: %(count)s sheet(s) corrected.",
                    months=", ".join(format_date(self.env, first, date_format="MMMM y") for first in months),
                    count=repaired,
                ),
            },
        }
