from datetime import timedelta

from odoo.tests import HttpCase, tagged

from odoo.addons.mail.tests.common import mail_new_test_user


@tagged("post_install", "-at_install")
class TestStarTieringTour(HttpCase):
    def test_teller_tour(self):
        """From login to the teller's due customers (their home action) to a
        logged contact; a colleague's due customer and the teller's customer
        not due yet stay out of the list."""
        branch = self.env["bank.branch"].create({
            "name": "Tour Branch", "code": "TOUR",
            "parent_id": self.env.ref("star_tiering.branch_head_office").id,
        })

        def teller(login, name):
            return mail_new_test_user(
                self.env, login=login, groups="base.group_user", name=name, tz="Asia/Shanghai",
                branch_id=branch.id, bank_role="teller",
            )

        teller_1 = teller("tour_teller", "Tour Teller")
        colleague = teller("tour_colleague", "Tour Colleague")
        # the teller lands on their due customers: the home action of their role
        self.assertEqual(teller_1.action_id.id, self.env.ref("star_tiering.action_bank_customers_due").id)
        today = self.env["bank.branch"]._bank_today()

        def customer(name, number, owner):
            # 2★ (a teller's tier, contacted every 60 days); an owner who holds
            # the tier's role keeps the customer at the tiering run
            return self.env["res.partner"].create({
                "name": name, "customer_number": number, "branch_id": branch.id,
                "aum_daily_avg": 20000, "has_business": True,
                "tier_owner_id": owner.id,
            })

        due = customer("Tour Customer Zhang", "TOUR-1", teller_1)
        not_due = customer("Tour Customer Li", "TOUR-2", teller_1)
        colleagues = customer("Tour Customer Wang", "TOUR-3", colleague)
        customers = due | not_due | colleagues
        # tiered since go-live (whose first contacts are levelled), then contacted
        self.env["res.partner"]._star_tiering_apply(branch)
        customers.activity_ids.unlink()
        for partner, days in ((due, 90), (not_due, 5), (colleagues, 90)):
            partner.last_contact_date = today - timedelta(days=days)
        self.env["res.partner"]._star_tiering_apply(branch)
        self.assertEqual(customers.mapped("star_tier"), ["2", "2", "2"])
        self.assertEqual(customers.mapped("tier_owner_id"), teller_1 | colleague)
        self.assertEqual(colleagues.tier_owner_id, colleague)
        self.assertLess(due.next_contact_date, today)
        self.assertLess(colleagues.next_contact_date, today)
        self.assertGreater(not_due.next_contact_date, today)
        self.assertTrue(due.activity_ids)

        # "/web": the client's home (the user's home action) in every 18.0 build;
        # "/odoo" is its newer alias, renamed in this development copy
        self.start_tour("/web", "star_tiering_teller_tour", login="tour_teller")

        due.invalidate_recordset()
        self.assertEqual(due.last_contact_date, today)
        self.assertFalse(due.activity_ids)
        # the colleague's customer was not touched
        self.assertEqual(colleagues.last_contact_date, today - timedelta(days=90))
        self.assertTrue(colleagues.activity_ids)
