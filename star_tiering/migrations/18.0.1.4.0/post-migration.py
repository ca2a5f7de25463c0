from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """The nightly actions move to 02:00 bank time (they were set to 18:00
    UTC, which is 02:00 in Beijing only); the staff's bank groups and home
    actions follow their roles from now on."""
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["res.partner"]._star_tiering_schedule_crons()
    env["res.users"].with_context(active_test=False).search([("bank_role", "!=", False)])._apply_bank_role()
