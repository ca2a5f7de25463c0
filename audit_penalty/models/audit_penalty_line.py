"""A working day of a shortfall penalty: the evidence of what was missing."""
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class AuditPenaltyLine(models.Model):
    _name = "audit.penalty.line"
    _description = "Audit Penalty Working Day"
    _order = "penalty_id, date"

    penalty_id = fields.Many2one("audit.penalty", required=True, index=True, ondelete="cascade")
    branch_id = fields.Many2one(related="penalty_id.branch_id", string="Sub-branch")
    date = fields.Date(string="Day", required=True)
    sheet_id = fields.Many2one(
        "call.sheet", string="Call Sheet", ondelete="restrict", index="btree_not_null",
        help="The day's call-tracking sheet; empty when the sub-branch had none that working day.",
    )
    quota = fields.Integer(help="Effective customers required that day.")
    effective_customer_count = fields.Integer(
        string="Effective Customers", help="Distinct customers with an effective call that day.",
    )
    missing = fields.Integer(
        string="Missing Calls", help="The quota minus the effective customers, never below zero: each costs the "
        "unit fine.",
    )

    _sql_constraints = [
        ("penalty_date_uniq", "unique(penalty_id, date)", "A penalty lists each working day once."),
    ]

    @api.model_create_multi
    def create(self, vals_list):  # pylint: disable=method-required-super  # written by SQL only (_insert_days)
        raise UserError(self.env._("The working days of a penalty are written by the monthly shortfall check."))

    def write(self, vals):  # pylint: disable=method-required-super  # evidence: never written
        raise UserError(self.env._("The working days of a penalty are its evidence: they are not changed."))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_evidence(self):
        raise UserError(self.env._("The working days of a penalty are its evidence: they are not deleted "
                                   "(a draft penalty is replaced as a whole by the next check)."))

    @api.model
    def _insert_days(self, penalties, days_per_penalty):
        """Insert the working days of freshly created ``penalties`` in one
        statement; ``days_per_penalty``: for each penalty, its (day, sheet
        id, quota, effective customers, missing) tuples."""
        columns = [[], [], [], [], [], []]
        for penalty, days in zip(penalties, days_per_penalty, strict=True):
            for day, sheet_id, quota, customers, missing in days:
                for column, value in zip(columns, (penalty.id, day, sheet_id, quota, customers, missing), strict=True):
                    column.append(value)
        if not columns[0]:
            return
        self.env.cr.execute(SQL(
            """
            INSERT INTO audit_penalty_line
                   (penalty_id, date, sheet_id, quota, effective_customer_count, missing,
                    create_uid, create_date, write_uid, write_date)
            SELECT penalty_id, day, sheet_id, quota, customers, missing,
                   %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
              FROM unnest(%(penalty_ids)s::int[], %(days)s::date[], %(sheet_ids)s::int[],
                          %(quotas)s::int[], %(customers)s::int[], %(missing)s::int[])
                   AS day_row(penalty_id, day, sheet_id, quota, customers, missing)
            """,
            uid=self.env.uid, penalty_ids=columns[0], days=columns[1], sheet_ids=columns[2],
            quotas=columns[3], customers=columns[4], missing=columns[5],
        ))
        self.invalidate_model()
        penalties.invalidate_recordset(["line_ids"])
