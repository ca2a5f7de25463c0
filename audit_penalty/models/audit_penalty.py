"""The penalty ledger (处罚): one entry per sub-branch, month and kind of fine,
with its evidence (the working days of the shortfall check, or the falsified
customers of the monthly sample). A confirmed entry is final for everyone;
a branch president may contest it and head office decides, in the open."""
import calendar
from collections import defaultdict

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from .constants import (
    CHATTER_FIELD_PREFIXES,
    CONTEST_STATES,
    CURRENCY_XMLID,
    FINAL_STATES,
    GROUP_AUDIT,
    GROUP_HEAD_OFFICE,
    GROUP_HR,
    KIND_GROUPS,
    PENALTY_KINDS,
    PENALTY_STATES,
)
from .draw import period_key

# What the owning department may still write on a draft; everything else is
# computed by the checks, or written by the transitions.
DRAFT_EDITABLE_FIELDS = frozenset({"note"})


def month_bounds(day):
    """(first day, last day) of the month of ``day``."""
    first = day.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


class AuditPenalty(models.Model):
    _name = "audit.penalty"
    _description = "Audit Penalty"
    _inherit = ["mail.thread", "call.transition.mixin"]
    _order = "period desc, branch_id, kind"

    name = fields.Char(compute="_compute_name", store=True)
    branch_id = fields.Many2one(
        "bank.branch", string="Sub-branch", required=True, readonly=True, index=True, ondelete="restrict",
        domain="[('branch_type', '=', 'sub_branch')]",
    )
    period = fields.Date(
        string="Month", required=True, readonly=True, index=True,
        help="The first day of the month the penalty is for.",
    )
    kind = fields.Selection(PENALTY_KINDS, required=True, readonly=True, index=True)
    quantity = fields.Integer(
        readonly=True,
        help="Calls missing below the daily quota over the month's working days (shortfall), or "
        "customers found falsified in the sampled day (falsification).",
    )
    unit_amount = fields.Monetary(
        string="Unit Fine", readonly=True, currency_field="currency_id",
        help="The fine per missing call or per falsified customer when the penalty was computed.",
    )
    amount = fields.Monetary(compute="_compute_amount", store=True, currency_field="currency_id")
    amount_due = fields.Monetary(
        compute="_compute_amount", store=True, currency_field="currency_id",
        help="The amount the sub-branch owes: the amount, or nothing once head office cancelled the penalty "
        "on a contest.",
    )
    currency_id = fields.Many2one(
        "res.currency", required=True, readonly=True,
        default=lambda self: self.env.ref(CURRENCY_XMLID, raise_if_not_found=False),
    )
    company_id = fields.Many2one(related="branch_id.company_id", store=True)
    note = fields.Text()
    state = fields.Selection(
        PENALTY_STATES, default="draft", required=True, readonly=True, copy=False, index=True, tracking=True,
    )
    confirmed_by_id = fields.Many2one("res.users", string="Confirmed by", readonly=True, copy=False)
    confirmed_date = fields.Datetime(string="Confirmed on", readonly=True, copy=False)
    notified_date = fields.Datetime(
        string="Notified on", readonly=True, copy=False, help="When the monthly bulletin published it.",
    )

    # the evidence
    line_ids = fields.One2many(
        "audit.penalty.line", "penalty_id", string="Working Days", readonly=True,
        help="Every working day of the month the quota applied to: its sheet (if any), quota, effective "
        "customers and missing calls.",
    )
    shortfall_day_count = fields.Integer(
        string="Days Short", readonly=True, help="Working days with at least one call missing.",
    )
    sample_id = fields.Many2one("audit.sample", readonly=True, index="btree_not_null",
                                ondelete="restrict")
    sampled_date = fields.Date(related="sample_id.sampled_date", string="Sampled Day")
    sample_line_ids = fields.Many2many(
        "audit.sample.line", string="Falsified Customers", compute="_compute_sample_line_ids",
    )

    # the contest (its own states: the penalty's state stays draft → confirmed → notified)
    contest_state = fields.Selection(
        CONTEST_STATES, string="Contest", default="none", required=True, readonly=True, copy=False,
        index=True, tracking=True,
    )
    contest_reason = fields.Text(string="Reason Contested", readonly=True, copy=False)
    contested_by_id = fields.Many2one("res.users", string="Contested by", readonly=True, copy=False)
    contested_date = fields.Datetime(string="Contested on", readonly=True, copy=False)
    contest_attachment_ids = fields.Many2many(
        "ir.attachment", "audit_penalty_contest_attachment_rel", "penalty_id", "attachment_id",
        string="Contest Documents", readonly=True, copy=False,
    )
    decision_reason = fields.Text(string="Reason for the Decision", readonly=True, copy=False)
    decided_by_id = fields.Many2one("res.users", string="Decided by", readonly=True, copy=False)
    decided_date = fields.Datetime(string="Decided on", readonly=True, copy=False)
    can_contest = fields.Boolean(compute="_compute_can")
    can_decide = fields.Boolean(compute="_compute_can")

    _sql_constraints = [
        ("branch_period_kind_uniq", "unique(branch_id, period, kind)",
         "A sub-branch has one penalty of each kind per month."),
        ("quantity_positive", "CHECK(quantity >= 0)", "The quantity of a penalty cannot be negative."),
        ("unit_amount_positive", "CHECK(unit_amount >= 0)", "The unit fine of a penalty cannot be negative."),
    ]

    @api.depends("kind", "branch_id.name", "period")
    def _compute_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for penalty in self:
            month = period_key(penalty.period) if penalty.period else ""
            penalty.name = " · ".join(filter(None, [kinds.get(penalty.kind), penalty.branch_id.name, month]))

    @api.depends("quantity", "unit_amount", "contest_state")
    def _compute_amount(self):
        for penalty in self:
            penalty.amount = penalty.quantity * penalty.unit_amount
            penalty.amount_due = 0.0 if penalty.contest_state == "cancelled" else penalty.amount

    @api.depends("sample_id.line_ids.result")
    def _compute_sample_line_ids(self):
        for penalty in self:
            penalty.sample_line_ids = penalty.sample_id.line_ids.filtered(lambda line: line.result == "falsified")

    @api.depends("state", "contest_state", "branch_id", "confirmed_by_id")
    @api.depends_context("uid")
    def _compute_can(self):
        for penalty in self:
            penalty.can_contest = not penalty._contest_error()
            penalty.can_decide = not penalty._decision_error()

    @api.constrains("branch_id")
    def _check_branch_id(self):
        for penalty in self:
            if penalty.branch_id.branch_type != "sub_branch":
                raise ValidationError(self.env._(
                    "%(branch)s is not a sub-branch: penalties are the sub-branches', which sign the call sheets.",
                    branch=penalty.branch_id.display_name,
                ))

    @api.constrains("period")
    def _check_period(self):
        for penalty in self:
            if penalty.period.day != 1:
                raise ValidationError(self.env._("The month of a penalty is given by its first day."))

    # ------------------------------------------------------------------
    # Who does what
    # ------------------------------------------------------------------
    @api.model
    def _check_department(self, kinds):
        """The current user runs the check that produces ``kinds``: HR &
        general affairs the shortfall, the audit department the samples."""
        if self.env.su:
            return
        for kind in set(kinds):
            if not self.env.user.has_group(KIND_GROUPS[kind]):
                if kind == "shortfall":
                    raise AccessError(self.env._("Only HR & General Affairs runs and confirms the monthly "
                                                 "shortfall check."))
                raise AccessError(self.env._("Only the Audit Department draws and confirms the monthly samples."))

    def _check_not_final(self):
        """Refuse any change to a confirmed penalty, for everyone (the
        administrator and the superuser included): a ledger entry is
        contested, never edited."""
        final = self.sudo().filtered(lambda penalty: penalty.state in FINAL_STATES)
        if final:
            raise UserError(self.env._(
                "%(penalty)s is confirmed: it cannot be changed or deleted. The branch president may contest it "
                "and head office decides.", penalty=final[0].display_name,
            ))

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        transition = self._is_transition()
        for vals in vals_list:
            if not vals.get("kind"):
                raise ValidationError(self.env._("Choose the kind of penalty."))
            if not transition:
                self._check_department([vals["kind"]])
                if vals.get("state", "draft") != "draft" or vals.get("contest_state", "none") != "none":
                    raise UserError(self.env._("A penalty starts as a draft; it is confirmed through its button."))
            if vals.get("period"):
                vals["period"] = month_bounds(fields.Date.to_date(vals["period"]))[0]
            if "unit_amount" not in vals:
                company = self.env["bank.branch"].sudo().browse(vals.get("branch_id")).company_id or self.env.company
                vals["unit_amount"] = (
                    company.audit_shortfall_unit_amount if vals["kind"] == "shortfall"
                    else company.audit_falsification_unit_amount
                )
        return super().create(vals_list)

    def write(self, vals):
        if self._is_transition():
            return super().write(vals)
        # the chatter (followers, messages) works on any penalty
        names = {name for name in vals if not name.startswith(CHATTER_FIELD_PREFIXES)}
        if names:
            self.check_access("write")
            self._check_not_final()
            forbidden = names - DRAFT_EDITABLE_FIELDS
            if forbidden:
                raise UserError(self.env._(
                    "%(fields)s of a penalty cannot be changed by hand: the monthly check computes them and the "
                    "buttons confirm, contest and decide.",
                    fields=", ".join(
                        self._fields[name].get_description(self.env)["string"] for name in sorted(forbidden)
                    ),
                ))
            self._check_department(self.mapped("kind"))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_confirmed(self):
        self._check_not_final()
        self._check_department(self.mapped("kind"))

    # ------------------------------------------------------------------
    # Transitions
    # ------------------------------------------------------------------
    def action_confirm(self):
        """The department confirms its draft penalties: from now on they are
        ledger entries, final for everyone."""
        self._check_department(self.mapped("kind"))
        for penalty in self:
            if penalty.state != "draft":
                raise UserError(self.env._("%(penalty)s is already confirmed.", penalty=penalty.display_name))
        self._transition_write({
            "state": "confirmed", "confirmed_by_id": self.env.uid, "confirmed_date": fields.Datetime.now(),
        })
        return True

    def _contest_error(self):
        """Why the current user may not contest this penalty now (a
        translated message), or None."""
        self.ensure_one()
        if self.state not in FINAL_STATES:
            return self.env._("%(penalty)s is not confirmed yet: there is nothing to contest.",
                              penalty=self.display_name)
        if self.contest_state != "none":
            return self.env._("%(penalty)s was already contested.", penalty=self.display_name)
        branch = self.branch_id.sudo()
        if self.env.user not in branch.president_id | branch.call_deputy_president_id:
            return self.env._("Only the president of %(branch)s contests its penalties.",
                              branch=self.branch_id.sudo().display_name)
        return None

    def _decision_error(self):
        self.ensure_one()
        if self.contest_state != "contested":
            return self.env._("%(penalty)s is not contested: there is nothing to decide.",
                              penalty=self.display_name)
        if not self.env.user.has_group(GROUP_HEAD_OFFICE):
            return self.env._("Head office decides the contested penalties.")
        if self.env.user == self.confirmed_by_id:
            return self.env._("%(user)s confirmed %(penalty)s: its contest is decided by someone else at head office.",
                              user=self.env.user.name, penalty=self.display_name)
        return None

    def action_contest(self, reason, attachments=None):
        """The branch president contests a confirmed penalty, with a reason
        and supporting documents (``attachments``: [{'name', 'datas'}], the
        data base64-encoded). Kept on the penalty and in its chatter."""
        self.ensure_one()
        reason = (reason or "").strip()
        error = self._contest_error()
        if error:
            raise UserError(error)
        if not reason:
            raise UserError(self.env._("Give the reason for contesting the penalty."))
        # sudo: the president reads the penalty, the documents are attached to it by the contest
        documents = self.env["ir.attachment"].sudo().create([
            {"name": doc["name"], "datas": doc["datas"], "res_model": self._name, "res_id": self.id}
            for doc in attachments or [] if doc.get("datas")
        ])
        self._transition_write({
            "contest_state": "contested", "contest_reason": reason, "contested_by_id": self.env.uid,
            "contested_date": fields.Datetime.now(), "contest_attachment_ids": [(6, 0, documents.ids)],
        })
        self.sudo().message_post(
            body=Markup("<p>%s</p>") % self.env._("Contested by %(user)s: %(reason)s",
                                                  user=self.env.user.name, reason=reason),
            attachment_ids=documents.ids, subtype_xmlid="mail.mt_comment",
        )
        return True

    def _decide(self, decision, reason):
        self.ensure_one()
        reason = (reason or "").strip()
        if not self.env.user.has_group(GROUP_HEAD_OFFICE) and not self.env.su:
            raise AccessError(self.env._("Head office decides the contested penalties."))
        error = self._decision_error()
        if error:
            raise UserError(error)
        if not reason:
            raise UserError(self.env._("Give the reason for the decision."))
        self._transition_write({
            "contest_state": decision, "decision_reason": reason, "decided_by_id": self.env.uid,
            "decided_date": fields.Datetime.now(),
        })
        if decision == "upheld":
            body = self.env._("Contest decided by %(user)s: the penalty is upheld. %(reason)s",
                              user=self.env.user.name, reason=reason)
        else:
            body = self.env._("Contest decided by %(user)s: the penalty is cancelled. %(reason)s",
                              user=self.env.user.name, reason=reason)
        self.sudo().message_post(body=Markup("<p>%s</p>") % body, subtype_xmlid="mail.mt_comment")
        return True

    def action_contest_uphold(self, reason):
        """Head office upholds a contested penalty: it stays due."""
        return self._decide("upheld", reason)

    def action_contest_cancel(self, reason):
        """Head office cancels a contested penalty: it stays in the ledger,
        with nothing due."""
        return self._decide("cancelled", reason)

    def action_open_contest_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Contest the Penalty"),
            "res_model": "audit.penalty.contest",
            "view_mode": "form",
            "target": "new",
            "context": {"default_penalty_id": self.id},
        }

    def action_open_decision_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Decide the Contest"),
            "res_model": "audit.penalty.decision",
            "view_mode": "form",
            "target": "new",
            "context": {"default_penalty_id": self.id},
        }

    # ------------------------------------------------------------------
    # Month checks shared by the wizards
    # ------------------------------------------------------------------
    @api.model
    def _previous_month(self):
        """The first day of the bank's previous month: the one due for its
        check, its draw and its bulletin."""
        return self.env["bank.branch"]._bank_today().replace(day=1) - relativedelta(months=1)

    @api.model
    def _check_month_over(self, month):
        """(first, last) day of the month of ``month``, refused unless the
        month is over for the bank (its last day is before the bank's today)."""
        if not month:
            raise ValidationError(self.env._("Choose the month to check."))
        first, last = month_bounds(fields.Date.to_date(month))
        if last >= self.env["bank.branch"]._bank_today():
            raise ValidationError(self.env._(
                "%(month)s is not over yet: a month is checked once its last day has passed.",
                month=period_key(first),
            ))
        return first, last

    @api.model
    def _audit_sub_branches(self, branches):
        """The sub-branches to check: those given (refusing anything else),
        or every active sub-branch."""
        Branch = self.env["bank.branch"].sudo()
        if not branches:
            return Branch.search([("branch_type", "=", "sub_branch")], order="code")
        others = branches.sudo().filtered(lambda branch: branch.branch_type != "sub_branch")
        if others:
            raise ValidationError(self.env._(
                "%(branches)s: only sub-branches are checked (an outlet's calls are on its sub-branch's sheets).",
                branches=", ".join(others.mapped("display_name")),
            ))
        return branches.sudo().sorted("code")

    # ------------------------------------------------------------------
    # The monthly shortfall check (人事综合部): set-based
    # ------------------------------------------------------------------
    @api.model
    def _working_days_by_branch(self, branches, first, last):
        """{branch id: its working days between first and last}: one
        calendar read per distinct calendar, not per branch. A sub-branch
        without a calendar of its own is refused: its fines would rest on a
        guess."""
        missing = branches.filtered(lambda branch: not branch.resource_calendar_id)
        if missing:
            raise ValidationError(self.env._(
                "%(branches)s: no working-day calendar. Set the branch's calendar before checking its month.",
                branches=", ".join(missing.mapped("display_name")),
            ))
        by_calendar = defaultdict(list)
        for branch in branches:
            by_calendar[branch.resource_calendar_id].append(branch)
        result = {}
        for group in by_calendar.values():
            days = group[0]._working_days(first, last)
            for branch in group:
                result[branch.id] = days
        return result

    @api.model
    def _shortfall_rows(self, branches, first, last):
        """The evidence of the month for ``branches`` (sub-branches), in one
        statement over every sheet and call of the month: for each working
        day from the branch's quota start, (branch id, day, sheet id or None,
        quota, effective customers). A day with a sheet has the sheet's quota
        (the branch's number when it opened); a working day without a sheet
        the branch's daily quota; days off and days before the quota start
        are not rows."""
        working = self._working_days_by_branch(branches, first, last)
        by_days = defaultdict(list)
        for branch_id, days in working.items():
            by_days[tuple(days)].append(branch_id)
        parts = [
            SQL(
                "SELECT b.id AS branch_id, d.day"
                "  FROM unnest(%s::int[]) AS b(id) CROSS JOIN unnest(%s::date[]) AS d(day)",
                branch_ids, list(days),
            )
            for days, branch_ids in by_days.items() if days
        ]
        if not parts:
            return []
        self.env["call.sheet"].flush_model(["branch_id", "date", "quota"])
        self.env["call.log"].flush_model(["sheet_id", "partner_id", "is_effective", "call_date"])
        self.env["bank.branch"].flush_model(["call_daily_quota", "call_quota_start_date"])
        return self.env.execute_query(SQL(
            """
            WITH working AS (%(working)s),
                 sheets AS (
                    SELECT id, branch_id, date, quota
                      FROM call_sheet
                     WHERE branch_id = ANY(%(branch_ids)s) AND date BETWEEN %(first)s AND %(last)s
                 ),
                 customers AS (
                    SELECT log.sheet_id, COUNT(DISTINCT log.partner_id) AS customers
                      FROM call_log AS log
                      JOIN sheets ON sheets.id = log.sheet_id
                     WHERE log.is_effective AND log.call_date BETWEEN %(first)s AND %(last)s
                  GROUP BY log.sheet_id
                 )
            SELECT working.branch_id, working.day, sheets.id,
                   COALESCE(sheets.quota, branch.call_daily_quota, 0), COALESCE(customers.customers, 0)
              FROM working
              JOIN bank_branch AS branch ON branch.id = working.branch_id
         LEFT JOIN sheets ON sheets.branch_id = working.branch_id AND sheets.date = working.day
         LEFT JOIN customers ON customers.sheet_id = sheets.id
             WHERE branch.call_quota_start_date IS NULL OR working.day >= branch.call_quota_start_date
          ORDER BY working.branch_id, working.day
            """,
            working=SQL(" UNION ALL ").join(parts),
            branch_ids=branches.ids, first=first, last=last,
        ))

    @api.model
    def _compute_shortfall_penalties(self, month, branches=None):
        """Create (or replace) the draft shortfall penalties of the month of
        ``month`` for ``branches`` (sub-branches; all when empty). A working
        day short of its quota costs the unit fine per missing call; a working
        day without a sheet counts its whole quota as missing. Refuses the
        whole run, before writing anything, when the month is not over, a
        branch has no calendar, or a branch's penalty of the month is already
        confirmed. Returns the penalties created."""
        self._check_department(["shortfall"])
        first, last = self._check_month_over(month)
        branches = self._audit_sub_branches(branches)
        existing = self.sudo().search([
            ("kind", "=", "shortfall"), ("period", "=", first), ("branch_id", "in", branches.ids),
        ])
        final = existing.filtered(lambda penalty: penalty.state in FINAL_STATES)
        if final:
            raise UserError(self.env._(
                "The shortfall penalties of %(month)s are already confirmed for %(branches)s: they are not "
                "computed again. Choose the other sub-branches.",
                month=period_key(first), branches=", ".join(final.branch_id.mapped("display_name")),
            ))
        rows = self._shortfall_rows(branches, first, last)
        # sudo: the department's rights were checked above; the drafts are replaced as a whole
        existing.sudo().unlink()
        by_branch = defaultdict(list)
        for branch_id, day, sheet_id, quota, customers in rows:
            by_branch[branch_id].append((day, sheet_id, quota, customers, max(0, quota - customers)))
        vals_list, lines = [], []
        for branch in branches:
            days = by_branch.get(branch.id, [])
            missing = sum(day[4] for day in days)
            if not missing:
                continue
            vals_list.append({
                "branch_id": branch.id, "period": first, "kind": "shortfall", "quantity": missing,
                "unit_amount": branch.company_id.audit_shortfall_unit_amount,
                "shortfall_day_count": sum(1 for day in days if day[4]),
            })
            lines.append(days)
        penalties = self.sudo().with_context(
            mail_create_nolog=True, mail_notrack=True, **self._transition_context()
        ).create(vals_list)
        self.env["audit.penalty.line"]._insert_days(penalties, lines)
        return penalties.with_env(self.env)

    # ------------------------------------------------------------------
    # Hooks of the monthly bulletin (通报)
    # ------------------------------------------------------------------
    @api.model
    def _bulletin_figures(self, period, branches=None, states=FINAL_STATES):
        """Per sub-branch figures of the month of ``period`` (all active
        sub-branches when ``branches`` is empty), from the penalties in
        ``states`` (confirmed and notified by default) and the confirmed
        samples. The facts (days short, missing calls, the sampled day and
        its results) are as found; the fines are what is due, nothing for a
        penalty head office cancelled on contest (its contest state says so).
        One dict per branch, in code order::

            branch_id, branch_code, branch_name, period,
            shortfall_days, missing_calls, shortfall_fine, shortfall_contest,
            sampled_date, verified, falsified, unreachable,
            falsification_fine, falsification_contest, total, currency_id

        A branch without a penalty or a sample has zeros and False. Every
        branch's figures: for audit, HR and head office (and server code).
        """
        if not self.env.su and not self.env.user.has_group("star_tiering.group_bank_auditor"):
            raise AccessError(self.env._("The bulletin's figures of every branch are for audit, HR and head office."))
        first = month_bounds(fields.Date.to_date(period))[0]
        branches = self._audit_sub_branches(branches)
        penalties = self.sudo().search([
            ("period", "=", first), ("branch_id", "in", branches.ids), ("state", "in", list(states)),
        ])
        samples = self.env["audit.sample"].sudo().search([
            ("period", "=", first), ("branch_id", "in", branches.ids), ("state", "=", "confirmed"),
        ])
        by_key = {(penalty.branch_id.id, penalty.kind): penalty for penalty in penalties}
        sample_of = {sample.branch_id.id: sample for sample in samples}
        currency = self.env.ref(CURRENCY_XMLID, raise_if_not_found=False)
        figures = []
        for branch in branches:
            shortfall = by_key.get((branch.id, "shortfall"), self.browse())
            falsification = by_key.get((branch.id, "falsification"), self.browse())
            sample = sample_of.get(branch.id, self.env["audit.sample"])
            figures.append({
                "branch_id": branch.id,
                "branch_code": branch.code,
                "branch_name": branch.name,
                "period": first,
                "shortfall_days": shortfall.shortfall_day_count,
                "missing_calls": shortfall.quantity,
                "shortfall_fine": shortfall.amount_due,
                "shortfall_contest": shortfall.contest_state or False,
                "sampled_date": sample.sampled_date,
                "verified": sample.verified_count,
                "falsified": sample.falsified_count,
                "unreachable": sample.unreachable_count,
                "falsification_fine": falsification.amount_due,
                "falsification_contest": falsification.contest_state or False,
                "total": shortfall.amount_due + falsification.amount_due,
                "currency_id": currency.id if currency else False,
            })
        return figures

    @api.model
    def _mark_notified(self, period):
        """The bulletin of the month of ``period`` is published: its confirmed
        penalties become notified (drafts are not published). Returns them."""
        if not self.env.su and not (self.env.user.has_group(GROUP_HR) or self.env.user.has_group(GROUP_AUDIT)):
            raise AccessError(self.env._("HR & General Affairs and the Audit Department publish the bulletin."))
        first = month_bounds(fields.Date.to_date(period))[0]
        penalties = self.sudo().search([("period", "=", first), ("state", "=", "confirmed")])
        penalties._transition_write({"state": "notified", "notified_date": fields.Datetime.now()})
        return penalties.with_env(self.env)

