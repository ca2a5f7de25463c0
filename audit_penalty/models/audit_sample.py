"""The monthly special audit (专项审计) of a sub-branch: one day drawn at random
(每月随机抽取支行1天) and verified customer by customer; every customer found
falsified (弄虚作假) costs the branch the unit fine (100元/户)."""
import json

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_date

from . import draw
from .constants import CHATTER_FIELD_PREFIXES, GROUP_AUDIT, SAMPLE_STATES


class AuditSample(models.Model):
    _name = "audit.sample"
    _description = "Audit Sample"
    _inherit = ["mail.thread", "call.transition.mixin"]
    _order = "period desc, branch_id"

    name = fields.Char(compute="_compute_name", store=True)
    branch_id = fields.Many2one(
        "bank.branch", string="Sub-branch", required=True, readonly=True, index=True, ondelete="restrict",
    )
    branch_code = fields.Char(
        readonly=True, help="The sub-branch's code at the draw, part of the drawn message.",
    )
    period = fields.Date(string="Month", required=True, readonly=True, index=True,
                         help="The first day of the audited month.")
    sampled_date = fields.Date(string="Sampled Day", required=True, readonly=True)
    sheet_id = fields.Many2one(
        "call.sheet", string="Call Sheet", required=True, readonly=True, index=True, ondelete="restrict",
        help="The sampled day's call-tracking sheet.",
    )
    company_id = fields.Many2one(related="branch_id.company_id", store=True)
    # the month's seed gives every sub-branch's day: the auditors' only (a
    # branch that read it on its own confirmed sample would know another's)
    seed = fields.Char(readonly=True, groups="star_tiering.group_bank_auditor",
                       help="The seed of the month's draw (revealed at the draw).")
    seed_hash = fields.Char(string="Seed SHA-256", readonly=True)
    commitment_id = fields.Many2one(
        "audit.seed.commitment", readonly=True, ondelete="restrict",
        help="The seed commitment published before the month ended, if any.",
    )
    population = fields.Text(
        readonly=True, help="The days of the month on which the sub-branch has a call sheet, sorted, comma-separated "
        "(ISO dates): the days the draw chose from.",
    )
    population_size = fields.Integer(string="Days Drawn From", readonly=True)
    draw_index = fields.Integer(string="Drawn Position", readonly=True,
                                help="The position of the sampled day in the population, from 0.")
    draw_record = fields.Text(
        compute="_compute_draw_record",
        help="What anyone needs to re-derive the sampled day (tests/audit_draw.py): seed, branch code, month, "
        "population and the day drawn, as JSON.",
    )
    state = fields.Selection(SAMPLE_STATES, default="draft", required=True, readonly=True, index=True,
                             tracking=True)
    drawn_by_id = fields.Many2one("res.users", string="Drawn by", readonly=True)
    drawn_date = fields.Datetime(string="Drawn on", readonly=True)
    confirmed_by_id = fields.Many2one("res.users", string="Confirmed by", readonly=True, copy=False)
    confirmed_date = fields.Datetime(string="Confirmed on", readonly=True, copy=False)
    line_ids = fields.One2many("audit.sample.line", "sample_id", string="Customers")
    line_count = fields.Integer(string="Customers Called", compute="_compute_counts", store=True)
    verified_count = fields.Integer(string="Verified", compute="_compute_counts", store=True)
    falsified_count = fields.Integer(string="Falsified", compute="_compute_counts", store=True)
    unreachable_count = fields.Integer(string="Unreachable", compute="_compute_counts", store=True)
    penalty_ids = fields.One2many("audit.penalty", "sample_id", string="Penalties", readonly=True)

    _sql_constraints = [
        ("branch_period_uniq", "unique(branch_id, period)",
         "A sub-branch is drawn once a month: its sample cannot be drawn again."),
    ]

    @api.depends("branch_id.name", "period")
    def _compute_name(self):
        for sample in self:
            month = draw.period_key(sample.period) if sample.period else ""
            sample.name = " · ".join(filter(None, [sample.branch_id.name, month]))

    @api.depends("line_ids.result")
    def _compute_counts(self):
        for sample in self:
            results = sample.line_ids.mapped("result")
            sample.line_count = len(results)
            sample.verified_count = results.count("verified")
            sample.falsified_count = results.count("falsified")
            sample.unreachable_count = results.count("unreachable")

    @api.depends("seed", "branch_code", "period", "population", "sampled_date")
    def _compute_draw_record(self):
        for sample in self:
            sample.draw_record = json.dumps(sample._draw_fields(), indent=1) if sample.period else False

    def _draw_fields(self):
        """The stored fields the draw is re-derived from (tests/audit_draw.py reads this JSON)."""
        self.ensure_one()
        return {
            "seed": self.seed,
            "branch_code": self.branch_code,
            "period": draw.period_key(self.period),
            "population": self._population_days(),
            "sampled_date": fields.Date.to_string(self.sampled_date),
            "seed_sha256": self.seed_hash,
        }

    def _population_days(self):
        self.ensure_one()
        return [day for day in (self.population or "").split(",") if day]

    # ------------------------------------------------------------------
    # Immutability: what the draw stored is final; lines change while open
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self._is_transition():
            raise UserError(self.env._("Samples are drawn by the monthly sampling wizard, not created by hand."))
        return super().create(vals_list)

    def write(self, vals):
        # the lines (results, notes) guard themselves; the chatter works on any sample
        names = {name for name in vals if name != "line_ids" and not name.startswith(CHATTER_FIELD_PREFIXES)}
        if names and not self._is_transition():
            raise UserError(self.env._(
                "A sample is what the draw stored: its day, seed and population are not changed by hand; "
                "the auditors record each customer's result on its lines."
            ))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("A drawn sample is never deleted: a sub-branch cannot be drawn twice a month."))

    # ------------------------------------------------------------------
    # Confirmation
    # ------------------------------------------------------------------
    @api.model
    def _check_auditor(self):
        if not self.env.su and not self.env.user.has_group(GROUP_AUDIT):
            raise AccessError(self.env._("Only the Audit Department draws and confirms the monthly samples."))

    def action_confirm(self):
        """The audit department confirms the verified sample: the customers
        found falsified become the branch's falsification penalty (confirmed
        at once: the sample is the decision), at the unit fine of now."""
        self._check_auditor()
        for sample in self:
            if sample.state != "draft":
                raise UserError(self.env._("The sample of %(sample)s is already confirmed.",
                                           sample=sample.display_name))
            pending = sample.line_ids.filtered(lambda line: not line.result)
            if pending:
                raise UserError(self.env._(
                    "%(sample)s: record the result of every customer before confirming (%(customers)s "
                    "without a result).",
                    sample=sample.display_name, customers=", ".join(pending.partner_id.sudo().mapped("name")),
                ))
        self._transition().write({
            "state": "confirmed", "confirmed_by_id": self.env.uid, "confirmed_date": fields.Datetime.now(),
        })
        Penalty = self.env["audit.penalty"]
        vals_list = [
            {
                "branch_id": sample.branch_id.id, "period": sample.period, "kind": "falsification",
                "quantity": sample.falsified_count, "sample_id": sample.id,
                "unit_amount": sample.branch_id.company_id.audit_falsification_unit_amount,
            }
            for sample in self.sudo() if sample.falsified_count
        ]
        penalties = Penalty.sudo().with_context(mail_create_nolog=True).create(vals_list)
        if penalties:
            penalties.with_env(self.env).action_confirm()
        return True

    # ------------------------------------------------------------------
    # The lock: the sampled day's calls do not change while it is audited
    # ------------------------------------------------------------------
    @api.model
    def _check_sheets_not_sampled(self, sheets):
        """Refuse a change to the calls (or a reopening) of ``sheets`` while
        one of them is the day of an open sample, for everyone."""
        if not sheets:
            return
        self.flush_model(["sheet_id", "state"])
        open_sample = self.sudo().search([("sheet_id", "in", sheets.ids), ("state", "=", "draft")], limit=1)
        if open_sample:
            raise UserError(self.env._(
                "The call sheet of %(branch)s for %(date)s is being audited: its calls cannot change and it "
                "cannot be reopened until the Audit Department confirms the sample.",
                branch=open_sample.branch_id.display_name, date=format_date(self.env, open_sample.sampled_date),
            ))

    # ------------------------------------------------------------------
    # The draw (set-based: one query for the populations, one for the lines)
    # ------------------------------------------------------------------
    @api.model
    def _populations(self, branches, first, last):
        """{branch id: [(day, sheet id)] of the days of the month with a call sheet, sorted}."""
        self.env["call.sheet"].flush_model(["branch_id", "date"])
        rows = self.env.execute_query(SQL(
            """
            SELECT branch_id, array_agg(date ORDER BY date), array_agg(id ORDER BY date)
              FROM call_sheet
             WHERE branch_id = ANY(%(branch_ids)s) AND date BETWEEN %(first)s AND %(last)s
          GROUP BY branch_id
            """,
            branch_ids=branches.ids, first=first, last=last,
        ))
        return {branch_id: list(zip(days, sheet_ids, strict=True)) for branch_id, days, sheet_ids in rows}

    @api.model
    def _draw(self, branches, first, last, seed, commitment, populations=None):
        """Draw the day of each of ``branches`` (checked by the wizard) from
        the seed; create the samples and their lines (one per customer called
        that day, with their calls). Returns the samples."""
        if populations is None:
            populations = self._populations(branches, first, last)
        now = fields.Datetime.now()
        seed_hash = draw.seed_hash(seed)
        vals_list = []
        for branch in branches:
            days = populations[branch.id]
            index = draw.draw_index(seed, branch.code, first, len(days))
            day, sheet_id = days[index]
            vals_list.append({
                "branch_id": branch.id, "branch_code": branch.code, "period": first,
                "sampled_date": day, "sheet_id": sheet_id,
                "seed": seed, "seed_hash": seed_hash, "commitment_id": commitment.id,
                "population": ",".join(fields.Date.to_string(population_day) for population_day, _sheet in days),
                "population_size": len(days), "draw_index": index,
                "drawn_by_id": self.env.uid, "drawn_date": now,
                # no line yet: spares the recomputation of 500 samples' counts
                "line_count": 0, "verified_count": 0, "falsified_count": 0, "unreachable_count": 0,
            })
        samples = self._transition().with_context(mail_create_nolog=True, tracking_disable=True).create(vals_list)
        self.env["audit.sample.line"]._insert_for_samples(samples)
        return samples.with_env(self.env)
