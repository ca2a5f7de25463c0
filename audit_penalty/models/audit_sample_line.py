"""A customer called on the sampled day, as the auditors verified them."""
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .constants import SAMPLE_RESULTS

# What the auditors record on a line while its sample is open.
AUDITOR_FIELDS = frozenset({"result", "note"})


class AuditSampleLine(models.Model):
    _name = "audit.sample.line"
    _description = "Audit Sample Customer"
    _order = "sample_id, id"

    sample_id = fields.Many2one("audit.sample", required=True, index=True, ondelete="cascade")
    sample_state = fields.Selection(related="sample_id.state", string="Sample Status")
    branch_id = fields.Many2one(related="sample_id.branch_id", string="Sub-branch")
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True,
                                 ondelete="restrict", index=True)
    call_ids = fields.Many2many(
        "call.log", "audit_sample_line_call_log_rel", "line_id", "call_id", string="Calls", readonly=True,
        help="The customer's calls on the sampled day's sheet.",
    )
    call_count = fields.Integer(string="Calls Logged", readonly=True)
    effective_call_count = fields.Integer(string="Effective Calls", readonly=True)
    duration_seconds = fields.Integer(string="Duration (seconds)", readonly=True,
                                      help="The total duration of the customer's calls that day, as logged.")
    result = fields.Selection(
        SAMPLE_RESULTS, help="What the audit found: the customer confirms the call (verified), the call did not "
        "happen as logged (falsified), or the customer could not be reached.",
    )
    note = fields.Text(help="How the customer was verified, what they said.")

    @api.model_create_multi
    def create(self, vals_list):  # pylint: disable=method-required-super  # written by SQL only (the draw)
        raise UserError(self.env._("The customers of a sample are those called on the sampled day; they are "
                                   "listed by the draw."))

    def write(self, vals):
        forbidden = set(vals) - AUDITOR_FIELDS
        if forbidden:
            raise UserError(self.env._("Only the result and the note of a sampled customer are recorded."))
        self.env["audit.sample"]._check_auditor()
        confirmed = self.sudo().filtered(lambda line: line.sample_id.state != "draft")
        if confirmed:
            raise UserError(self.env._("The sample of %(sample)s is confirmed: its results are final.",
                                       sample=confirmed[0].sample_id.display_name))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("The customers of a sample are not deleted."))

    @api.model
    def _insert_for_samples(self, samples):
        """One line per customer called on each sample's day, with their
        calls, in two statements for every sample at once."""
        if not samples:
            return
        self.env["call.log"].flush_model(["sheet_id", "partner_id", "is_effective", "duration_seconds"])
        self.env.cr.execute(SQL(
            """
            INSERT INTO audit_sample_line
                   (sample_id, partner_id, call_count, effective_call_count, duration_seconds,
                    create_uid, create_date, write_uid, write_date)
            SELECT sample.id, log.partner_id, COUNT(*), COUNT(*) FILTER (WHERE log.is_effective),
                   SUM(log.duration_seconds), %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
              FROM audit_sample AS sample
              JOIN call_log AS log ON log.sheet_id = sample.sheet_id
             WHERE sample.id = ANY(%(sample_ids)s)
          GROUP BY sample.id, log.partner_id
          ORDER BY sample.id, MIN(log.call_start), log.partner_id
            """,
            uid=self.env.uid, sample_ids=samples.ids,
        ))
        self.env.cr.execute(SQL(
            """
            INSERT INTO audit_sample_line_call_log_rel (line_id, call_id)
            SELECT line.id, log.id
              FROM audit_sample_line AS line
              JOIN audit_sample AS sample ON sample.id = line.sample_id
              JOIN call_log AS log ON log.sheet_id = sample.sheet_id AND log.partner_id = line.partner_id
             WHERE sample.id = ANY(%(sample_ids)s)
            """,
            sample_ids=samples.ids,
        ))
        self.env.cr.execute(SQL(
            """
            UPDATE audit_sample AS sample
               SET line_count = counted.lines
              FROM (SELECT sample_id, COUNT(*) AS lines FROM audit_sample_line
                     WHERE sample_id = ANY(%(sample_ids)s) GROUP BY sample_id) AS counted
             WHERE sample.id = counted.sample_id
            """,
            sample_ids=samples.ids,
        ))
        # the counts are written above (no result yet): no need for the ORM to recompute them
        for name in ("line_count", "verified_count", "falsified_count", "unreachable_count"):
            self.env.remove_to_compute(samples._fields[name], samples)
        self.invalidate_model()
        samples.invalidate_recordset(["line_ids", "line_count"])
