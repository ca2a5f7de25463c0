from odoo.tests import tagged

from .common import StarTieringCase

AUM_CHANGE = "star_tiering.mail_activity_type_aum_change"


@tagged("post_install", "-at_install")
class TestAumChangeAlert(StarTieringCase):
    def test_threshold_either_way(self):
        up = self.make_customer(400000)
        just_below = self.make_customer(400000)
        down = self.make_customer(900000)
        stats = self.run_tiering()
        self.assertEqual(stats["aum_alerts"], 0, "the first run has no previous AUM to compare")
        self.assertEqual(up.tier_aum, 400000)
        messages_before = self.branch_a.message_ids
        self.set_aum(up, 600000)            # +200,000.00: reported
        self.set_aum(just_below, 599999.99)  # +199,999.99: not reported
        self.set_aum(down, 700000)          # -200,000.00: reported
        stats = self.run_tiering()
        self.assertEqual(stats["aum_alerts"], 2)
        self.assertTrue(self.activities(up, AUM_CHANGE))
        self.assertTrue(self.activities(down, AUM_CHANGE))
        self.assertFalse(self.activities(just_below, AUM_CHANGE))
        self.assertEqual(self.activities(up, AUM_CHANGE).user_id, up.tier_owner_id)
        self.assertEqual(self.activities(up, AUM_CHANGE).res_name, up.display_name)
        report = self.branch_a.message_ids - messages_before
        self.assertEqual(len(report), 1)
        self.assertEqual(report.partner_ids, self.president_a.partner_id)
        self.assertIn(up.name, report.body)
        self.assertNotIn(just_below.name, report.body)
        self.assertIn(self.president_a.partner_id, report.notification_ids.res_partner_id)
        # unchanged since: no new alert, no duplicate to-do
        stats = self.run_tiering()
        self.assertEqual(stats["aum_alerts"], 0)
        self.assertEqual(len(self.activities(up | down, AUM_CHANGE)), 2)

    def test_outlet_alert_goes_to_sub_branch_president(self):
        customer = self.make_customer(100000, branch=self.outlet_a1)
        self.run_tiering()
        self.set_aum(customer, 2500000)
        messages_before = self.outlet_a1.message_ids
        self.run_tiering()
        report = (self.outlet_a1.message_ids - messages_before).filtered(
            lambda m: "changed their assets" in m.body)
        self.assertEqual(len(report), 1)
        self.assertEqual(report.partner_ids, self.president_a.partner_id)
