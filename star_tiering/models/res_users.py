from odoo import Command, api, fields, models

# Role keys follow the roles of DOMAIN.md; labels are translated in i18n/zh_CN.po.
BANK_ROLES = [
    ("development_staff", "Business Development Staff"),
    ("teller", "Teller (High Counter)"),
    ("vip_teller", "Teller (Low Counter / VIP)"),
    ("lobby_manager", "Lobby Manager"),
    ("outlet_staff", "Outlet Staff"),
    ("customer_manager", "Customer Manager"),
    ("customer_manager_supervisor", "Customer Manager Supervisor"),
    ("outlet_manager", "Outlet Manager"),
    ("accounting_supervisor", "Accounting Supervisor"),
    ("branch_president", "Branch President"),
    ("hr_general_affairs", "HR & General Affairs"),
    ("audit", "Audit Department"),
    ("personal_banking", "Head Office Personal Banking"),
    ("administrator", "Bank Administrator"),
]

# Which security group each role receives; the groups imply each other
# (staff < branch manager < head office, staff < auditor).
ROLE_GROUPS = {
    "development_staff": "star_tiering.group_bank_user",
    "teller": "star_tiering.group_bank_user",
    "vip_teller": "star_tiering.group_bank_user",
    "lobby_manager": "star_tiering.group_bank_user",
    "outlet_staff": "star_tiering.group_bank_user",
    "customer_manager": "star_tiering.group_bank_user",
    "customer_manager_supervisor": "star_tiering.group_bank_branch_manager",
    "outlet_manager": "star_tiering.group_bank_branch_manager",
    "accounting_supervisor": "star_tiering.group_bank_branch_manager",
    "branch_president": "star_tiering.group_bank_branch_manager",
    "hr_general_affairs": "star_tiering.group_bank_auditor",
    "audit": "star_tiering.group_bank_auditor",
    "personal_banking": "star_tiering.group_bank_head_office",
    "administrator": "star_tiering.group_bank_head_office",
}


# Where each role lands after login (res.users.action_id): their work.
ROLE_HOME_ACTIONS = {
    "branch_president": "star_tiering.action_bank_customers_branch",
    "hr_general_affairs": "star_tiering.action_bank_customers_all",
    "audit": "star_tiering.action_bank_customers_all",
    "personal_banking": "star_tiering.action_bank_customers_all",
    "administrator": "star_tiering.action_bank_customers_all",
}
DEFAULT_HOME_ACTION = "star_tiering.action_bank_customers_due"
# The groups the roles grant: a user's bank group follows their role.
BANK_GROUPS = sorted(set(ROLE_GROUPS.values()))


class ResUsers(models.Model):
    _inherit = "res.users"

    branch_id = fields.Many2one(
        "bank.branch",
        string="Bank Branch",
        index=True,
        help="The branch (or outlet) this member of staff works in; "
        "they see the customers of this branch and of its outlets.",
    )
    bank_role = fields.Selection(
        BANK_ROLES,
        index=True,
        help="The role routes customers to this user by star tier, grants the matching "
        "security group and sets where the user lands after login.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        users = super().create(vals_list)
        users.filtered("bank_role")._apply_bank_role()
        return users

    def write(self, vals):
        leaving = self.browse()
        if {"active", "branch_id", "bank_role"} & set(vals):
            leaving = self._star_tiering_owners()
        res = super().write(vals)
        if "bank_role" in vals:
            self._apply_bank_role()
        if leaving:
            leaving._star_tiering_reroute()
        return res

    def _get_invalidation_fields(self):
        # the record rules read the user's branch: a move takes effect on the
        # next request, not after the caches happen to be cleared
        return super()._get_invalidation_fields() | {"branch_id", "bank_role"}

    def _apply_bank_role(self):
        """The bank group of each user follows their role: the role's group
        is granted and the other bank groups the previous role granted are
        taken away (a teller who becomes an auditor stops writing customers,
        an auditor who becomes a teller stops reading every branch). Other
        groups are left as they are. The user lands on their work after login."""
        groups = {xmlid: self.env.ref(xmlid, raise_if_not_found=False) for xmlid in BANK_GROUPS}
        # one write per role, not per user (the generator creates hundreds)
        for role in set(self.mapped("bank_role")):
            users = self.filtered(lambda u, r=role: u.bank_role == r).sudo()
            group = groups.get(ROLE_GROUPS.get(role))
            commands = [Command.unlink(g.id) for g in groups.values() if g and g != group]
            if group:
                commands.append(Command.link(group.id))
            vals = {"groups_id": commands}
            action = role and self.env.ref(ROLE_HOME_ACTIONS.get(role, DEFAULT_HOME_ACTION), raise_if_not_found=False)
            if action:
                vals["action_id"] = action.id
            users.write(vals)

    def _star_tiering_owners(self):
        """The users of self who own bank customers."""
        if not self.ids:
            return self.browse()
        owned = self.env["res.partner"].sudo()._read_group(
            ["|", ("tier_owner_id", "in", self.ids), ("tier_secondary_owner_id", "in", self.ids)],
            [], ["tier_owner_id:array_agg", "tier_secondary_owner_id:array_agg"],
        )
        owners = {uid for row in owned for ids in row for uid in (ids or [])}
        return self.filtered(lambda u: u.id in owners)

    def _star_tiering_reroute(self):
        """Staff who left (archived, moved, another role) keep no customer:
        theirs are routed again at once, with their open to-dos, to whoever
        now holds the role (or the branch president)."""
        Partner = self.env["res.partner"].sudo()
        partners = Partner.search(
            ["|", ("tier_owner_id", "in", self.ids), ("tier_secondary_owner_id", "in", self.ids),
             ("branch_id", "!=", False)]
        )
        if partners:
            # claims the branches: refused while the nightly run tiers them
            Partner.with_context(active_test=True)._star_tiering_run_manual(
                partners.branch_id, partner_ids=partners.ids
            )

    @property
    def SELF_READABLE_FIELDS(self):
        return [*super().SELF_READABLE_FIELDS, "branch_id", "bank_role"]
