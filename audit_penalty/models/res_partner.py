from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    # What the tiering audits found on the customer: the drill-down from a
    # run's counts to the bank customers filters on it (no column on
    # res_partner; the finding keeps the customer's id, without a foreign
    # key). The auditors' working paper: audit and head office only.
    audit_tiering_finding_ids = fields.One2many(
        "audit.tiering.finding", "partner_ref", string="Tiering Audit Findings", readonly=True,
        groups="audit_penalty.group_audit_department,star_tiering.group_bank_head_office",
    )
