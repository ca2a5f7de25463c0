import datetime

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .call_product_holding import MATURING_TYPES


class ResPartner(models.Model):
    _inherit = "res.partner"

    call_log_ids = fields.One2many(
        "call.log", "partner_id", string="Phone Marketing Calls", groups="star_tiering.group_bank_user",
    )
    call_log_count = fields.Integer(
        string="Calls", compute="_compute_call_log_count", groups="star_tiering.group_bank_user",
    )
    call_script_ids = fields.Many2many(
        "call.script", string="Scripts for a Call", compute="_compute_call_script_ids",
        groups="star_tiering.group_bank_user",
        help="The scripts that fit the customer today: a product maturing, just upgraded to "
        "4★ or 5★, no contact for a long time; appointment and care calls always.",
    )
    call_holding_ids = fields.One2many(
        "call.product.holding", "partner_id", string="Product Holdings", readonly=True,
        groups="star_tiering.group_bank_user",
    )
    call_plan_ids = fields.One2many(
        "call.plan", "partner_id", string="Call Pre-registrations", readonly=True,
        groups="star_tiering.group_bank_user",
    )
    # the customers a screening selects, for the list its preview opens
    # (a search field: the selection is SQL over the whole bank, never ids)
    call_screening_id = fields.Integer(
        string="Screening", compute="_compute_call_screening_id", search="_search_call_screening_id",
        groups="star_tiering.group_bank_branch_manager",
    )

    def _compute_call_log_count(self):
        # counted with the user's rights: the calls they may read
        counts = dict(self.env["call.log"]._read_group([("partner_id", "in", self.ids)], ["partner_id"], ["__count"]))
        for partner in self:
            partner.call_log_count = counts.get(partner, 0)

    @api.depends("branch_id", "star_tier", "last_contact_date")
    def _compute_call_script_ids(self):
        Script = self.env["call.script"]
        for partner in self:
            partner.call_script_ids = Script._suggest_for_partner(partner)

    def _compute_call_screening_id(self):
        self.call_screening_id = False

    def _search_call_screening_id(self, operator, value):
        if operator != "=" or not isinstance(value, int):
            raise UserError(self.env._("Operation not supported"))
        wizard = self.env["call.screening.wizard"].browse(value).exists()
        if not wizard:
            return [(0, "=", 1)]
        return [("id", "in", SQL("(%s)", wizard._screening_partner_query()))]

    def _call_has_maturing_product(self, day, days):
        """The customer holds a time deposit or a wealth product maturing
        from ``day`` to ``days`` days after it, both included (a product that
        matured before ``day`` is not maturing any more)."""
        self.ensure_one()
        if not self._origin.id:
            return False
        return bool(self.env["call.product.holding"].sudo().search_count([
            ("partner_id", "=", self._origin.id),
            ("product_type", "in", MATURING_TYPES),
            ("maturity_date", ">=", day),
            ("maturity_date", "<=", day + datetime.timedelta(days=days)),
        ], limit=1))

    def action_log_call(self):
        """Log a call to this customer: the call form in a dialog, the
        customer filled in; saving it puts the call on the day's sheet."""
        self.ensure_one()
        self.env["call.log"]._check_logger()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log a Call"),
            "res_model": "call.log",
            "view_mode": "form",
            "views": [(self.env.ref("call_tracking.view_call_log_form").id, "form")],
            "target": "new",
            "context": {"default_partner_id": self.id},
        }

    def action_view_call_logs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("call_tracking.action_call_log")
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action
