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

    def alerts(self, customer):
        return self.activities(customer, AUM_CHANGE)

    def test_slow_drift_is_reported_once(self):
        customer = self.make_customer(400000)
        self.run_tiering()
        fired = []
        for night in range(1, 9):  # +50,000 a night: 200,000 in four nights
            self.set_aum(customer, 400000 + 50000 * night)
            fired.append(self.run_tiering()["aum_alerts"])
        self.assertEqual(fired, [0, 0, 0, 1, 0, 0, 0, 1])
        # the reference moved with each alert: 600,000 then 800,000
        self.assertEqual(customer.tier_aum, 800000)

    def test_daily_wobble_is_never_reported_nor_written(self):
        customer = self.make_customer(500000)
        self.run_tiering()
        self.env.flush_all()
        self.env.cr.execute("SELECT write_date FROM res_partner WHERE id = %s", [customer.id])
        written = self.env.cr.fetchone()[0]
        for aum in (650000, 350000, 699999.99, 300000.01, 500000):
            self.set_aum(customer, aum)
            self.env.flush_all()
            self.env.cr.execute("UPDATE res_partner SET write_date = %s WHERE id = %s", [written, customer.id])
            self.assertEqual(self.run_tiering()["aum_alerts"], 0, aum)
        self.env.cr.execute("SELECT write_date, tier_aum FROM res_partner WHERE id = %s", [customer.id])
        self.assertEqual(self.env.cr.fetchone(), (written, 500000))
        self.assertFalse(self.alerts(customer))

    def test_reference_resets_on_a_tier_change(self):
        customer = self.make_customer(280000)  # 3★
        self.run_tiering()
        self.set_aum(customer, 310000)  # 4★, +30,000: no alert, the reference moves
        self.assertEqual(self.run_tiering()["aum_alerts"], 0)
        self.assertEqual((customer.star_tier, customer.tier_aum), ("4", 310000))
        self.set_aum(customer, 509999.99)  # +199,999.99 from 310,000
        self.assertEqual(self.run_tiering()["aum_alerts"], 0)
        self.set_aum(customer, 510000)  # +200,000 from 310,000 (230,000 from the first)
        self.assertEqual(self.run_tiering()["aum_alerts"], 1)
        self.assertTrue(self.alerts(customer))
