from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .res_users import BANK_ROLES

TIERS = [
    ("1", "1 Star"),
    ("2", "2 Stars"),
    ("3", "3 Stars"),
    ("4", "4 Stars"),
    ("5", "5 Stars"),
]


class StarTierPolicyLine(models.Model):
    _name = "star.tier.policy.line"
    _description = "Star Tier Policy Line"
    _order = "branch_id, star_tier"

    branch_id = fields.Many2one(
        "bank.branch", required=True, index=True, ondelete="cascade"
    )
    star_tier = fields.Selection(TIERS, string="Tier", required=True)
    currency_id = fields.Many2one(
        "res.currency", default=lambda self: self.env.ref("base.CNY"), required=True
    )
    min_aum = fields.Monetary(
        string="Minimum AUM",
        aggregator=None,
        help="Lowest annual average daily financial assets of the tier (included). "
        "1★ and 2★ start at 0: 1★ is a customer with no business, 2★ any customer "
        "with business below the 3★ minimum.",
    )
    primary_role = fields.Selection(
        BANK_ROLES, string="Maintained by", required=True,
        help="Role of the staff who own customers of this tier.",
    )
    secondary_role = fields.Selection(
        BANK_ROLES, string="Assisted by",
        help="Optional role of a second maintainer (e.g. the lobby manager).",
    )
    cadence_days = fields.Integer(
        string="Contact every (days)", required=True, default=30, aggregator=None,
        help="A customer whose last contact is older than this is due: "
        "the owner gets a customer maintenance to-do.",
    )
    aim = fields.Text(translate=True, help="What the branch wants from customers of this tier.")
    means = fields.Text(string="Marketing Means", translate=True)

    _sql_constraints = [
        (
            "branch_tier_uniq",
            "unique(branch_id, star_tier)",
            "Each tier appears once in a branch's policy.",
        ),
    ]

    @api.constrains("min_aum", "cadence_days", "star_tier", "branch_id")
    def _check_policy_values(self):
        for line in self:
            if line.min_aum < 0:
                raise ValidationError(self.env._("A tier minimum cannot be negative (%(tier)s★).", tier=line.star_tier))
            if line.cadence_days <= 0:
                raise ValidationError(
                    self.env._("The contact cadence of %(tier)s★ must be at least one day.", tier=line.star_tier)
                )
            if line.star_tier in ("1", "2") and line.min_aum:
                raise ValidationError(
                    self.env._("1★ and 2★ start at 0: only the 3★, 4★ and 5★ minimums can be set.")
                )
        self.branch_id._check_tier_policy()

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.branch_id._star_tiering_policy_changed()
        return lines

    def write(self, vals):
        before = self.branch_id
        res = super().write(vals)
        (before | self.branch_id)._star_tiering_policy_changed()
        return res

    def unlink(self):
        # removing one tier of a policy would leave customers without a rule;
        # removing all of them (reset to the parent's policy) is fine
        branches = self.branch_id
        res = super().unlink()
        branches.exists()._check_tier_policy()
        branches.exists()._star_tiering_policy_changed()
        return res
