"""A branch's figures in a tiering audit: its customers and what was found,
with the drill-down to the customers behind each count."""
from odoo import api, fields, models


class AuditTieringResult(models.Model):
    _name = "audit.tiering.result"
    _description = "Tiering Audit per Branch"
    _order = "run_id desc, finding_count desc, branch_id"
    _rec_name = "branch_id"

    run_id = fields.Many2one("audit.tiering.run", required=True, readonly=True, index=True, ondelete="cascade")
    as_of = fields.Date(related="run_id.as_of")
    branch_id = fields.Many2one("bank.branch", required=True, readonly=True, ondelete="cascade")
    branch_type = fields.Selection(related="branch_id.branch_type")
    customer_count = fields.Integer(string="Customers Audited", readonly=True)
    mismatch_count = fields.Integer(
        string="Tier Contradicts the Thresholds", readonly=True,
        help="Tiered customers whose stored tier is not the one their assets and business give under the "
        "thresholds their branch applies.",
    )
    no_owner_count = fields.Integer(
        string="Without an Owner", readonly=True,
        help="Tiered customers without an owner, or whose owner has left the bank (archived user).",
    )
    never_tiered_count = fields.Integer(string="Never Tiered", readonly=True)
    finding_count = fields.Integer(string="Findings", readonly=True)
    tiering_date = fields.Date(
        string="Last Tiering Run", readonly=True,
        help="The branch's last completed nightly tiering run when the audit ran.",
    )
    policy_changed = fields.Boolean(
        string="Policy Edited Since", readonly=True,
        help="The thresholds applied here were edited after the last tiering run: the next nightly run "
        "re-tiers the branch's customers.",
    )

    _sql_constraints = [
        ("run_branch_uniq", "unique(run_id, branch_id)", "A tiering audit has one line per branch."),
    ]

    @api.model
    def _action_customers(self, domain, kind, name):
        """The bank customers (star_tiering's list) behind the findings of
        ``domain`` (on audit.tiering.finding), of ``kind`` when given: the
        ids stay in the finding table, the list filters on it."""
        finding_domain = list(domain)
        if kind:
            finding_domain.append(("kind", "=", kind))
            name = "%s · %s" % (name, dict(self.env["audit.tiering.finding"]._fields["kind"]
                                           ._description_selection(self.env))[kind])
        action = self.env["ir.actions.act_window"]._for_xml_id("star_tiering.action_bank_customers")
        action.update({
            "name": name,
            "domain": [("branch_id", "!=", False), ("audit_tiering_finding_ids", "any", finding_domain)],
            # not star_tiering's "my customers" default filter: every branch's
            "context": {},
        })
        return action

    def action_view_customers(self, kind=None):
        self.ensure_one()
        return self._action_customers([("run_ref", "=", self.run_id.id), ("branch_ref", "=", self.branch_id.id)],
                                      kind, self.branch_id.display_name)

    def action_view_mismatch(self):
        return self.action_view_customers("tier_mismatch")

    def action_view_no_owner(self):
        return self.action_view_customers("no_owner")

    def action_view_never_tiered(self):
        return self.action_view_customers("never_tiered")

    def action_view_findings(self):
        self.ensure_one()
        return self.run_id._action_findings(
            [("run_ref", "=", self.run_id.id), ("branch_ref", "=", self.branch_id.id)], self.branch_id.display_name,
        )
