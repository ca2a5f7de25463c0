import datetime

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .res_company import BANK_TZ
from .star_tier_policy_line import TIERS


class BankBranch(models.Model):
    _name = "bank.branch"
    _description = "Bank Branch"
    _inherit = ["mail.thread"]
    _parent_store = True
    _order = "complete_name"
    _rec_name = "complete_name"

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char(required=True, index=True, tracking=True)
    complete_name = fields.Char(
        compute="_compute_complete_name", store=True, recursive=True
    )
    active = fields.Boolean(default=True)
    branch_type = fields.Selection(
        [
            ("head_office", "Head Office"),
            ("sub_branch", "Sub-branch"),
            ("outlet", "Outlet"),
        ],
        required=True,
        default="sub_branch",
        tracking=True,
    )
    parent_id = fields.Many2one(
        "bank.branch", string="Parent Branch", index=True, ondelete="restrict"
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("bank.branch", "parent_id", string="Outlets")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    president_id = fields.Many2one(
        "res.users",
        string="Branch President",
        tracking=True,
        domain="[('share', '=', False)]",
    )
    accounting_supervisor_id = fields.Many2one(
        "res.users",
        tracking=True,
        domain="[('share', '=', False)]",
    )
    resource_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working-day Calendar",
        default=lambda self: self.env.company.resource_calendar_id,
        help="The bank's business calendar for this branch: public holidays "
        "are leaves of this calendar.",
    )
    tier_policy_line_ids = fields.One2many(
        "star.tier.policy.line",
        "branch_id",
        string="Own Tier Policy",
        copy=True,
    )
    policy_branch_id = fields.Many2one(
        "bank.branch",
        string="Policy Applied",
        compute="_compute_policy_branch_id",
        help="The branch whose tier policy applies here: this branch when it "
        "has its own, otherwise the nearest parent with one (head office).",
    )
    user_ids = fields.One2many("res.users", "branch_id", string="Staff")
    tiering_date = fields.Date(
        string="Last Tiering Run",
        readonly=True,
        copy=False,
        help="Date of the last nightly tiering run that completed for this branch.",
    )
    tiering_policy_changed = fields.Boolean(
        readonly=True, copy=False,
        help="The tier policy applied here was edited since the last tiering run: "
        "the next run re-checks every customer of the branch.",
    )
    customer_count = fields.Integer(compute="_compute_coverage")
    tiered_count = fields.Integer(string="Tiered Customers", compute="_compute_coverage")
    tier_coverage = fields.Float(
        string="Tiering Coverage (%)", compute="_compute_coverage", digits=(5, 1)
    )
    is_my_branch = fields.Boolean(
        string="My Branches", compute="_compute_is_my_branch", search="_search_is_my_branch",
        help="The branches whose customers the current user sees: their own branch and its "
        "outlets, or every branch for audit and head office.",
    )

    _sql_constraints = [
        ("code_uniq", "unique(code)", "The branch code must be unique."),
    ]

    @api.depends("name", "parent_id.complete_name", "parent_id.branch_type")
    def _compute_complete_name(self):
        for branch in self:
            # "Head Office / " in front of every branch name would only add noise
            if branch.parent_id and branch.parent_id.branch_type != "head_office":
                branch.complete_name = f"{branch.parent_id.complete_name} / {branch.name}"
            else:
                branch.complete_name = branch.name

    def write(self, vals):
        res = super().write(vals)
        if "parent_id" in vals:
            # another parent may mean another inherited policy
            self._star_tiering_policy_changed()
        return res

    def _notify_thread_by_inbox(self, message, recipients_data, msg_vals=False, **kwargs):
        """The nightly tiering's notices (context ``star_tiering_night``) go
        to the recipients' inboxes without mail.thread's live bus push, which
        renders the message once per recipient for their open web clients:
        about 7 ms each, 500 recipients on a night with many hand-overs, for
        clients that are closed at night. The inbox shows the notice when its
        owner next opens Odoo. The notices of the re-tier actions (on a branch
        or on selected customers) are pushed live."""
        if not self.env.context.get("star_tiering_night"):
            return super()._notify_thread_by_inbox(message, recipients_data, msg_vals=msg_vals, **kwargs)
        # the inbox notifications mail.thread creates, without the push
        partner_ids = sorted({r["id"] for r in recipients_data if r["notif"] == "inbox"})
        # sudo: mail.notification - creating notifications is the purpose of notify methods
        self.env["mail.notification"].sudo().create([
            {
                "author_id": message.author_id.id,
                "mail_message_id": message.id,
                "notification_status": "sent",
                "notification_type": "inbox",
                "res_partner_id": partner_id,
            }
            for partner_id in partner_ids
        ])

    @api.constrains("parent_id")
    def _check_parent_id(self):
        if self._has_cycle():
            raise ValidationError(self.env._("A branch cannot be its own parent."))

    @api.depends("tier_policy_line_ids", "parent_id")
    def _compute_policy_branch_id(self):
        for branch in self:
            branch.policy_branch_id = branch._get_policy_branch()

    def _get_policy_branch(self):
        """Nearest branch up the tree (self included) that has its own policy;
        an outlet inherits its sub-branch's, a sub-branch head office's."""
        self.ensure_one()
        branch = self
        while branch:
            if branch.tier_policy_line_ids:
                return branch
            branch = branch.parent_id
        head_office = self.env.ref("star_tiering.branch_head_office", raise_if_not_found=False)
        if head_office and head_office.sudo().tier_policy_line_ids:
            return head_office
        return self.browse()

    def _get_tier_policy(self):
        """{branch_id: {tier: policy line}} for every branch of self."""
        result = {}
        for branch in self.sudo():
            source = branch._get_policy_branch()
            result[branch.id] = {line.star_tier: line for line in source.tier_policy_line_ids}
        return result

    def _star_tiering_policy_changed(self):
        """The policy of these branches changed: so did the one applied in
        every branch below them (outlets inherit); the next run sizes its work
        for all their customers."""
        head_office = self.env.ref("star_tiering.branch_head_office", raise_if_not_found=False)
        # head office's policy is also the fallback of branches outside its tree
        domain = [] if head_office and head_office in self else [("id", "child_of", self.ids)]
        branches = self.sudo().search([*domain, ("tiering_policy_changed", "=", False)])
        branches.tiering_policy_changed = True

    # ------------------------------------------------------------------
    # The bank's business date: the one answer to "what day is it for the
    # bank", whoever asks (the nightly job runs as the superuser, whose time
    # zone is empty, at 02:00 Beijing time, still the previous day in UTC)
    # ------------------------------------------------------------------
    @api.model
    def _bank_tz(self):
        """The bank's time zone: the company's setting, Asia/Shanghai by default."""
        return pytz.timezone(self.env.company.sudo().bank_tz or BANK_TZ)

    @api.model
    def _bank_date(self, moment):
        """The bank's date of a UTC datetime (naive, as Odoo stores them)."""
        if not moment:
            return False
        moment = fields.Datetime.to_datetime(moment)
        if moment.tzinfo is None:
            moment = pytz.utc.localize(moment)
        return moment.astimezone(self._bank_tz()).date()

    @api.model
    def _bank_today(self):
        """Today for the bank: the business date of everything dated by the
        addons (tiering, history, contacts, to-do deadlines, working days,
        call sheets, audits)."""
        return self._bank_date(fields.Datetime.now())

    @api.model
    def _bank_day_bounds(self, day):
        """The UTC datetimes (naive) where the bank's ``day`` begins and the next begins."""
        tz = self._bank_tz()
        start = tz.localize(datetime.datetime.combine(day, datetime.time.min))
        end = tz.localize(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))
        return (start.astimezone(pytz.utc).replace(tzinfo=None), end.astimezone(pytz.utc).replace(tzinfo=None))

    def _bank_president(self):
        """The president who answers for this branch: its own, or the
        nearest parent's (an outlet's is its sub-branch's); active only."""
        self.ensure_one()
        branch = self.sudo()
        while branch:
            if branch.president_id.active:
                return branch.president_id
            branch = branch.parent_id
        return self.env["res.users"]

    def _working_days(self, date_from, date_to):
        """The bank's working days of this branch between two dates (included)."""
        self.ensure_one()
        calendar = self.resource_calendar_id or self.env.company.resource_calendar_id
        return calendar._bank_working_days(date_from, date_to)

    def _is_working_day(self, day):
        return bool(self._working_days(day, day))

    @api.model
    def _my_branch_domain(self):
        """The branches whose customers the current user sees (the customers'
        record rules): every branch for audit and head office, else the
        user's branch and its outlets."""
        if self.env.su or self.env.user.has_group("star_tiering.group_bank_auditor"):
            return []
        return [("id", "child_of", self.env.user.branch_id.ids)]

    def _compute_is_my_branch(self):
        mine = self.search(self._my_branch_domain())
        for branch in self:
            branch.is_my_branch = branch in mine

    def _search_is_my_branch(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Operation not supported"))
        domain = self._my_branch_domain()
        positive = (operator == "=") == value
        if positive:
            return domain or [(1, "=", 1)]
        return ["!", *domain] if domain else [(0, "=", 1)]

    def _compute_coverage(self):
        # counted with the user's own rights: a branch's figures are seen by
        # those who see its customers (audit and head office: every branch)
        Partner = self.env["res.partner"]
        totals = dict(
            Partner._read_group([("branch_id", "in", self.ids)], ["branch_id"], ["__count"])
        )
        tiered = dict(
            Partner._read_group(
                [("branch_id", "in", self.ids), ("star_tier", "!=", "0")],
                ["branch_id"],
                ["__count"],
            )
        )
        for branch in self:
            total = totals.get(branch, 0)
            branch.customer_count = total
            branch.tiered_count = tiered.get(branch, 0)
            branch.tier_coverage = 100.0 * branch.tiered_count / total if total else 0.0

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_customise_tier_policy(self):
        """Start an own policy from the one currently applied."""
        self.check_access("write")
        for branch in self:
            if branch.tier_policy_line_ids:
                continue
            source = branch._get_policy_branch()
            if not source:
                raise UserError(self.env._("There is no head-office tier policy to copy."))
            source.tier_policy_line_ids.copy({"branch_id": branch.id})
        return True

    def action_reset_tier_policy(self):
        """Drop the own policy: the branch inherits its parent's again."""
        self.check_access("write")
        head_office = self.env.ref("star_tiering.branch_head_office", raise_if_not_found=False)
        if head_office and head_office in self:
            raise UserError(self.env._("Head office's policy is the default of the bank; edit it instead."))
        self.tier_policy_line_ids.unlink()
        return True

    def action_star_tiering(self):
        """Re-tier every customer of these branches (and their outlets) now."""
        branches = self.search([("id", "child_of", self.ids)])
        branches.check_access("write")
        self.env["res.partner"].sudo()._star_tiering_run_manual(branches)
        return self.env["res.partner"]._star_tiering_notification(
            self.env._("Customers of %(count)s branch(es) were re-tiered.", count=len(branches))
        )

    def action_view_customers(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("star_tiering.action_bank_customers")
        action["domain"] = [("branch_id", "child_of", self.ids)]
        action["context"] = {}
        return action

    def _check_tier_policy(self):
        """A branch's own policy: every tier exactly once, 1★ and 2★ from 0,
        and 3★ < 4★ < 5★ minimums strictly increasing above 0."""
        for branch in self:
            lines = branch.tier_policy_line_ids
            if not lines:
                continue
            tiers = lines.mapped("star_tier")
            # Data files create a policy line by line (install_mode): only a
            # complete policy is checked for completeness, but every step is
            # checked for order.
            complete = sorted(tiers) == [t for t, _label in TIERS]
            if not complete and not self.env.context.get("install_mode"):
                raise ValidationError(
                    self.env._("The tier policy of %(branch)s must define each tier from 1★ to 5★ exactly once.",
                               branch=branch.display_name)
                )
            by_tier = {line.star_tier: line.min_aum for line in lines}
            previous = 0.0
            for tier in ("3", "4", "5"):
                if tier not in by_tier:
                    continue
                if by_tier[tier] <= previous:
                    amount, lower = f"{by_tier[tier]:,.2f}", f"{previous:,.2f}"
                    raise ValidationError(
                        self.env._(
                            "Tier thresholds of %(branch)s must be strictly increasing from 2★ to 5★: "
                            "the %(tier)s★ minimum (%(amount)s) is not above the previous tier's (%(previous)s).",
                            branch=branch.display_name,
                            tier=tier,
                            amount=amount,
                            previous=lower,
                        )
                    )
                previous = by_tier[tier]
