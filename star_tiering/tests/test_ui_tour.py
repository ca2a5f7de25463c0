from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from odoo.addons.mail.tests.common import mail_new_test_user


@tagged("post_install", "-at_install")
class TestStarTieringTour(HttpCase):
    def test_teller_tour(self):
        branch = self.env["bank.branch"].create({
            "name": "Tour Branch", "code": "TOUR",
            "parent_id": self.env.ref("star_tiering.branch_head_office").id,
        })
        teller = mail_new_test_user(
            self.env, login="tour_teller", groups="base.group_user",
            branch_id=branch.id, bank_role="outlet_staff", name="Tour Teller",
        )
        today = fields.Date.context_today(teller)
        customer = self.env["res.partner"].create({
            "name": "Tour Customer Zhang", "customer_number": "TOUR-1", "branch_id": branch.id,
            "aum_daily_avg": 80000, "has_business": True,
            "last_contact_date": today - timedelta(days=45),
        })
        self.env["res.partner"]._star_tiering_apply(branch)
        self.assertEqual(customer.tier_owner_id, teller)
        self.assertTrue(customer.activity_ids)
        self.start_tour("/web", "star_tiering_teller_tour", login="tour_teller")
        customer.invalidate_recordset()
        self.assertEqual(customer.last_contact_date, today)
        self.assertFalse(customer.activity_ids)
