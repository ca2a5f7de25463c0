from odoo import api, fields, models

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
        string="Bank Role",
        index=True,
        help="The role routes customers to this user by star tier and "
        "grants the matching security group.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        users = super().create(vals_list)
        users.filtered("bank_role")._apply_bank_role_groups()
        return users

    def write(self, vals):
        res = super().write(vals)
        if vals.get("bank_role"):
            self._apply_bank_role_groups()
        return res

    def _apply_bank_role_groups(self):
        """Grant the group of the role; a role change never silently removes
        rights an administrator granted by hand, so only additions happen here."""
        for role in set(self.mapped("bank_role")):
            group = self.env.ref(ROLE_GROUPS[role], raise_if_not_found=False)
            users = self.filtered(lambda u, r=role: u.bank_role == r)
            if group and users:
                group.sudo().write({"users": [(4, uid) for uid in users.ids]})

    @property
    def SELF_READABLE_FIELDS(self):
        return super().SELF_READABLE_FIELDS + ["branch_id", "bank_role"]
