"""A customer reported by a tiering audit, with the evidence: the tier stored
and the one the thresholds give, the assets compared, the owner, and whose
thresholds applied. Written by the run's SQL only.

A run may report a great many customers (every one of them before the first
nightly tiering), so a finding is a narrow row without foreign keys: the
run, branch, customer, owner and policy branch are plain ids (``*_ref``),
shown through computed many2one fields. A foreign key costs a trigger and a
row lock on the referenced table per inserted row: 1,000,000 findings took
22 s with Odoo's seven, 2.8 s without (measured on the benchmark's bank). A
run's findings go with it (unlink); a customer deleted since keeps their id
in the run, and shows empty."""
from odoo import api, fields, models

from odoo.addons.star_tiering.models.star_tier_history import TIER_CHOICES

from .constants import TIERING_FINDING_KINDS

# The references a finding shows as records: (stored id, shown many2one, comodel).
REFERENCES = [
    ("run_ref", "run_id", "audit.tiering.run"),
    ("branch_ref", "branch_id", "bank.branch"),
    ("partner_ref", "partner_id", "res.partner"),
    ("owner_ref", "owner_id", "res.users"),
    ("policy_branch_ref", "policy_branch_id", "bank.branch"),
]


class AuditTieringFinding(models.Model):
    _name = "audit.tiering.finding"
    _description = "Tiering Audit Finding"
    _order = "run_ref desc, branch_ref, kind, partner_ref"
    _rec_name = "partner_id"
    # the run says who ran it and when
    _log_access = False

    # the drill-down filters on (run, branch, kind): one index (init)
    run_ref = fields.Integer(string="Run ID", required=True, readonly=True)
    branch_ref = fields.Integer(string="Branch ID", required=True, readonly=True)
    partner_ref = fields.Integer(string="Customer ID", required=True, readonly=True)
    owner_ref = fields.Integer(string="Owner ID", readonly=True)
    policy_branch_ref = fields.Integer(string="Policy Branch ID", readonly=True)
    run_id = fields.Many2one("audit.tiering.run", string="Tiering Audit", compute="_compute_references",
                             search="_search_run_id")
    branch_id = fields.Many2one("bank.branch", compute="_compute_references",
                                search="_search_branch_id")
    partner_id = fields.Many2one("res.partner", string="Customer", compute="_compute_references",
                                 search="_search_partner_id")
    owner_id = fields.Many2one("res.users", compute="_compute_references")
    policy_branch_id = fields.Many2one(
        "bank.branch", string="Thresholds of", compute="_compute_references",
        help="The branch whose tier policy applied: the customer's branch's own, or the one it inherits (an "
        "outlet its sub-branch's, a sub-branch head office's).",
    )
    kind = fields.Selection(TIERING_FINDING_KINDS, string="Finding", required=True, readonly=True)
    star_tier = fields.Selection(TIER_CHOICES, string="Stored Tier", readonly=True)
    expected_tier = fields.Selection(
        TIER_CHOICES, readonly=True,
        help="The tier the customer's assets and business give under the thresholds their branch applies, by "
        "the rule of the nightly tiering.",
    )
    aum = fields.Float(string="Annual Avg. Daily Assets", readonly=True, digits=(16, 2),
                       help="The customer's assets when the audit ran.")

    def init(self):
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS audit_tiering_finding_run_ref_branch_ref_kind_idx "
            "ON audit_tiering_finding (run_ref, branch_ref, kind)"
        )

    @api.depends(*(ref for ref, _field, _comodel in REFERENCES))
    def _compute_references(self):
        for ref, field_name, comodel in REFERENCES:
            # one existence check per comodel for the whole page
            existing = set(self.env[comodel].browse(set(self.mapped(ref)) - {0}).sudo().exists().ids)
            for finding in self:
                finding[field_name] = finding[ref] if finding[ref] in existing else False

    def _search_reference(self, ref, comodel, operator, value):
        """Search a shown many2one on its stored id: by ids as given, by name otherwise."""
        ids = value if isinstance(value, (list, tuple)) else [value]
        if operator in ("=", "!=", "in", "not in") and all(isinstance(v, int) or v is False for v in ids):
            # a finding always has its run, branch and customer: False matches nothing
            return [(ref, operator, value if isinstance(value, (list, tuple)) else value or 0)]
        negative = operator in ("!=", "not in", "not ilike", "not like", "not =like", "not =ilike")
        positive = {"!=": "=", "not in": "in", "not ilike": "ilike", "not like": "like",
                    "not =like": "=like", "not =ilike": "=ilike"}.get(operator, operator)
        matching = self.env[comodel]._search([("display_name", positive, value)])
        return [(ref, "not in" if negative else "in", matching)]

    def _search_run_id(self, operator, value):
        return self._search_reference("run_ref", "audit.tiering.run", operator, value)

    def _search_branch_id(self, operator, value):
        return self._search_reference("branch_ref", "bank.branch", operator, value)

    def _search_partner_id(self, operator, value):
        return self._search_reference("partner_ref", "res.partner", operator, value)
