from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .star_tier_history import TIER_CHOICES

# res_partner keeps half of each page free for the nightly updates (init).
PARTNER_FILLFACTOR = 50
# Who may write what on a bank customer (enforced in write/create, whatever
# the view shows):
# - the engine's fields: only the tiering engine (set-based SQL, or sudo);
ENGINE_FIELDS = frozenset({"star_tier", "star_tier_date", "tier_aum", "next_contact_date"})
# - the core-banking feed's fields (and the customer's branch): the feed
#   import and head office;
FEED_FIELDS = frozenset({"aum_daily_avg", "aum_date", "has_business", "customer_number"})
# - the owners: the engine, or a branch manager reassigning within the role.
OWNER_FIELDS = {"tier_owner_id": "primary_role", "tier_secondary_owner_id": "secondary_role"}


class ResPartner(models.Model):
    _inherit = "res.partner"

    branch_id = fields.Many2one(
        "bank.branch", string="Bank Branch", index=True, tracking=True,
        help="Branch that holds the customer; staff see their own branch's customers only.",
    )
    # no index=True: the unique constraint below already indexes it
    customer_number = fields.Char(
        copy=False,
        help="Customer number in the core banking system (key of the AUM feed).",
    )
    aum_currency_id = fields.Many2one("res.currency", compute="_compute_aum_currency_id")
    aum_daily_avg = fields.Monetary(
        string="Annual Avg. Daily Assets",
        currency_field="aum_currency_id",
        groups="star_tiering.group_bank_user",
        tracking=True,
        help="Annual average daily financial assets (AUM) in CNY, from the core banking feed.",
    )
    aum_date = fields.Date(string="AUM As Of", groups="star_tiering.group_bank_user", readonly=True)
    has_business = fields.Boolean(
        groups="star_tiering.group_bank_user",
        help="The core banking feed reports an account or a product held with the bank.",
    )
    tier_aum = fields.Monetary(
        string="Alert Reference AUM",
        currency_field="aum_currency_id",
        groups="star_tiering.group_bank_user",
        readonly=True, copy=False,
        help="The AUM of the customer's last tier change or large-change alert; a change of "
        "200,000 or more from it is reported to the branch president, and only then (or on "
        "a tier change) does it move.",
    )
    # None of the columns the nightly run writes (tier, owners, dates, tier
    # AUM) is indexed: a night's updates then stay on their page without
    # touching res.partner's dozen indexes (heap-only tuples), several times
    # cheaper. Staff queries go through branch_id's index (the record rules),
    # a tier has a fifth of the customers and "due" most of them.
    star_tier = fields.Selection(
        TIER_CHOICES, default="0", required=True,
        readonly=True, copy=False, tracking=True,
    )
    star_tier_date = fields.Date(string="Tier Since", readonly=True, copy=False)
    tier_owner_id = fields.Many2one(
        "res.users", tracking=True, copy=False,
        domain="[('share', '=', False)]",
    )
    tier_secondary_owner_id = fields.Many2one(
        "res.users", string="Secondary Owner", tracking=True, copy=False,
        domain="[('share', '=', False)]",
    )
    last_contact_date = fields.Date(string="Last Contact", tracking=True, copy=False)
    next_contact_date = fields.Date(
        string="Next Contact", readonly=True, copy=False,
        help="Last contact plus the tier's contact cadence; a customer never contacted "
        "is due from the day they were tiered.",
    )
    tier_aim = fields.Text(compute="_compute_tier_guidance")
    tier_means = fields.Text(string="Marketing Means", compute="_compute_tier_guidance")
    star_tier_history_ids = fields.One2many("star.tier.history", "partner_id", string="Tier History")
    has_aum_alert = fields.Boolean(
        string="Asset-change Alert", compute="_compute_has_aum_alert", search="_search_has_aum_alert",
        help="The customer has an open to-do for a large change of assets.",
    )

    _sql_constraints = [
        ("customer_number_uniq", "unique(customer_number)", "A customer number identifies one customer."),
        ("aum_daily_avg_positive", "CHECK(aum_daily_avg >= 0)", "Financial assets cannot be negative."),
    ]

    def init(self):  # pylint: disable=missing-return  # Model.init() returns nothing
        super().init()
        # The core-banking feed rewrites every bank customer's figures each
        # night, and the go-live night every customer's tier: with half of
        # each page kept free, those updates stay on their page (heap-only
        # tuples) instead of adding an entry to each of res_partner's fifteen
        # indexes per customer (1M feed rows: 38-53 s → 17-22 s measured).
        # It applies to the pages written from now on; the table grows by
        # what the nightly updates need anyway.
        self.env.cr.execute(SQL("ALTER TABLE res_partner SET (fillfactor = %s)", SQL(str(PARTNER_FILLFACTOR))))

    def _compute_aum_currency_id(self):
        self.aum_currency_id = self.env.ref("base.CNY")

    @api.depends("star_tier", "branch_id")
    def _compute_tier_guidance(self):
        policies = self.branch_id._get_tier_policy()
        for partner in self:
            line = policies.get(partner.branch_id.id, {}).get(partner.star_tier)
            partner.tier_aim = line.aim if line else False
            partner.tier_means = line.means if line else False

    def _compute_has_aum_alert(self):
        alerts = self.search([("id", "in", self.ids), ("has_aum_alert", "=", True)])
        for partner in self:
            partner.has_aum_alert = partner in alerts

    def _search_has_aum_alert(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Operation not supported"))
        activity_type = self.env.ref("star_tiering.mail_activity_type_aum_change", raise_if_not_found=False)
        domain = [("activity_ids.activity_type_id", "=", activity_type.id if activity_type else 0)]
        return domain if (operator == "=") == value else ["!", *domain]

    # ------------------------------------------------------------------
    # Field ownership
    # ------------------------------------------------------------------
    def _star_tiering_check_write(self, vals, create=False):
        """Refuse what the current user may not write on bank customers:
        the engine's fields (anyone but the engine), the feed's fields and,
        once created, the branch (anyone but the feed and head office; staff
        set the branch of a customer they register, which the record rules
        confine to their own), the owners (anyone but the engine and a branch
        manager reassigning to a holder of the tier's role), and anything at
        all for audit and HR, who read every branch and write nothing.
        On create, only values actually set count (the web client sends the
        defaults of a new record too)."""
        if self.env.su:
            return
        if create:
            vals = {f: v for f, v in vals.items() if v and not (f == "star_tier" and v == "0")}
            if not vals.get("branch_id"):
                return
        elif not self.filtered("branch_id") and not vals.get("branch_id"):
            return
        user = self.env.user
        if self._star_tiering_reads_only():
            raise AccessError(self.env._("Audit and HR read the bank's customers; they do not change them."))

        def labels(names):
            return ", ".join(self._fields[f].get_description(self.env)["string"] for f in sorted(names))

        engine = set(vals) & ENGINE_FIELDS
        if engine:
            raise AccessError(self.env._("%(fields)s: set by the nightly tiering only.", fields=labels(engine)))
        feed = set(vals) & (FEED_FIELDS if create else FEED_FIELDS | {"branch_id"})
        if feed and not user.has_group("star_tiering.group_bank_head_office"):
            raise AccessError(self.env._(
                "%(fields)s: these come from the core-banking feed; only head office may correct them.",
                fields=labels(feed),
            ))
        if set(vals) & set(OWNER_FIELDS):
            if create or not user.has_group("star_tiering.group_bank_branch_manager"):
                raise AccessError(self.env._(
                    "Customers are routed to their owners by the nightly tiering; only a branch manager "
                    "may reassign them."
                ))
            if not create:
                self._star_tiering_check_reassign(vals)

    def _star_tiering_check_reassign(self, vals):
        """A branch manager may hand a customer to a member of staff who
        holds the tier's role for the customer's branch (the staff the engine
        routes to: _star_tiering_candidates); the nightly run then keeps them."""
        partners = self.sudo()
        branches = partners.branch_id
        policies = branches._get_tier_policy()
        holders = {
            (branch_id, role, user_id)
            for branch_id, role, user_id, _fallback in partners._star_tiering_candidates(
                [b.id for b in branches if policies.get(b.id)], policies)
        }
        for field_name, role_field in OWNER_FIELDS.items():
            if field_name not in vals or not vals[field_name]:
                if field_name in vals and field_name == "tier_owner_id":
                    raise UserError(self.env._("A customer keeps an owner; reassign them to someone else instead."))
                continue
            for partner in partners:
                line = policies.get(partner.branch_id.id, {}).get(partner.star_tier)
                role = line and line[role_field]
                if not role or (partner.branch_id.id, role, vals[field_name]) not in holders:
                    user = self.env["res.users"].sudo().browse(vals[field_name])
                    no_role = self.env._("none")
                    raise UserError(self.env._(
                        "%(user)s cannot own %(customer)s: a %(tier)s customer of %(branch)s is owned by a "
                        "member of staff of that branch in the tier's role (%(role)s).",
                        user=user.display_name, customer=partner.display_name,
                        tier=dict(self._fields["star_tier"]._description_selection(self.env)).get(partner.star_tier),
                        branch=partner.branch_id.display_name,
                        role=dict(self.env["res.users"]._fields["bank_role"]._description_selection(self.env)).get(
                            role, no_role),
                    ))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._star_tiering_check_write(vals, create=True)
        return super().create(vals_list)

    def write(self, vals):
        self._star_tiering_check_write(vals)
        reassigned = {}
        if not self.env.su and set(vals) & set(OWNER_FIELDS):
            reassigned = {p.id: (p.star_tier, p.tier_owner_id.id) for p in self.sudo()}
        res = super().write(vals)
        if reassigned and "tier_owner_id" in vals:
            # a reassignment by a branch manager is in the tier history too
            self.env["star.tier.history"].sudo().create([
                {
                    "partner_id": pid, "date": self.env["bank.branch"]._bank_today(),
                    "old_tier": tier, "new_tier": tier, "old_owner_id": old_owner,
                    "new_owner_id": vals["tier_owner_id"], "reason": "reassigned", "user_id": self.env.uid,
                }
                for pid, (tier, old_owner) in reassigned.items() if old_owner != vals["tier_owner_id"]
            ])
        if "last_contact_date" in vals:
            # the cadence rule lives in one SQL method shared with the nightly run
            self.sudo()._sql_refresh_next_contact_date(partner_ids=self.ids)
        return res

    def action_star_tiering(self):
        """Re-tier the selected customers now (list action)."""
        customers = self.filtered("branch_id")
        if not customers:
            raise UserError(self.env._("Select customers that belong to a bank branch."))
        if not self.env.su and not self.env.user.has_group("star_tiering.group_bank_branch_manager"):
            raise AccessError(self.env._("Only a branch manager may re-tier customers."))
        customers._star_tiering_check_staff()
        self.env["res.partner"].sudo()._star_tiering_run_manual(customers.branch_id, partner_ids=customers.ids)
        return self._star_tiering_notification(self.env._("%(count)s customer(s) re-tiered.", count=len(customers)))

    @api.model
    def _star_tiering_notification(self, message):
        """The on-demand re-tier actions end with a success toast and a reload."""
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": message,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.ondelete(at_uninstall=False)
    def _unlink_except_bank_customer(self):
        if not self.env.su and self.filtered("branch_id"):
            user = self.env.user
            if not user.has_group("star_tiering.group_bank_head_office"):
                raise AccessError(self.env._("Bank customers are removed by head office only."))

    @api.model
    def _star_tiering_reads_only(self):
        """Audit and HR (the auditor group without a branch manager's) read
        every branch's customers and change none."""
        user = self.env.user
        return user.has_group("star_tiering.group_bank_auditor") and not user.has_group(
            "star_tiering.group_bank_branch_manager")

    def _star_tiering_check_staff(self):
        """The customer actions are bank staff's, on customers they see;
        audit and HR only read."""
        if self.env.su:
            return
        if not self.env.user.has_group("star_tiering.group_bank_user") or self._star_tiering_reads_only():
            raise AccessError(self.env._("Only the bank's branch staff may do this on a customer."))
        self.check_access("write")

    def action_log_contact(self):
        """The owner reached the customer today: the maintenance to-do is done."""
        self._star_tiering_check_staff()
        today = self.env["bank.branch"]._bank_today()
        self.write({"last_contact_date": today})
        types = self.env["mail.activity"]._star_tiering_activity_types()
        activities = self.env["mail.activity"].search([
            ("res_model", "=", "res.partner"),
            ("res_id", "in", self.ids),
            ("activity_type_id", "in", types.ids),
        ])
        activities.action_feedback(feedback=self.env._("Customer contacted."))
        return True
