"""Who may write what on a bank customer, visibility that follows the staff's
branch and role at once, the bank's business date, and no orphaned customer.

Every write here goes through ``with_user(...)`` as the web client's RPC does:
no view is involved, so a view's ``readonly`` would stop none of them."""
import datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo import api
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.addons.star_tiering.models import res_partner_tiering

from .common import StarTieringCase


@tagged("post_install", "-at_install")
class TestFieldOwnership(StarTieringCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.in_a = cls.make_customer(20000)  # 2★: a teller's
        cls.in_b = cls.make_customer(20000, branch=cls.branch_b)
        cls.env["res.partner"]._star_tiering_apply(cls.branch_a | cls.outlet_a1 | cls.branch_b)
        cls.hr = mail_new_test_user(
            cls.env, login="hr_user", groups="base.group_user", branch_id=cls.head_office.id,
            bank_role="hr_general_affairs",
        )

    def test_auditor_writes_no_customer(self):
        # the first row: an auditor wrote 9,999,999 on another branch's customer
        for user in (self.auditor, self.hr):
            with self.assertRaises(AccessError):
                self.in_b.with_user(user).write({"aum_daily_avg": 9999999})
            with self.assertRaises(AccessError):
                self.in_b.with_user(user).write({"phone": "123"})
            with self.assertRaises(AccessError):
                self.in_b.with_user(user).action_log_contact()
            with self.assertRaises(AccessError):
                self.env["res.partner"].with_user(user).create({"name": "X", "branch_id": self.branch_b.id})
        self.assertEqual(self.in_b.aum_daily_avg, 20000)
        # but they read every branch
        self.assertEqual(self.in_b.with_user(self.auditor).aum_daily_avg, 20000)

    def test_teller_cannot_set_the_tier(self):
        customer = self.in_a.with_user(self.teller_a1)
        self.assertEqual(self.in_a.tier_owner_id.bank_role, "teller")
        for field_name, value in (("star_tier", "5"), ("star_tier_date", self.today),
                                  ("tier_aum", 5000000), ("next_contact_date", self.today)):
            with self.assertRaises(AccessError, msg=field_name):
                customer.write({field_name: value})
        self.assertEqual(self.in_a.star_tier, "2")

    def test_teller_cannot_set_the_feed(self):
        customer = self.in_a.with_user(self.teller_a1)
        for field_name, value in (("aum_daily_avg", 5000000), ("has_business", False),
                                  ("customer_number", "FORGED"), ("aum_date", self.today),
                                  ("branch_id", self.branch_b.id)):
            with self.assertRaises(AccessError, msg=field_name):
                customer.write({field_name: value})
        self.assertEqual(self.in_a.aum_daily_avg, 20000)
        # a branch manager neither: the feed's figures are head office's
        with self.assertRaises(AccessError):
            self.in_a.with_user(self.president_a).write({"aum_daily_avg": 5000000})
        # head office corrects a figure
        self.in_a.with_user(self.head_office_user).write({"aum_daily_avg": 25000})
        self.assertEqual(self.in_a.aum_daily_avg, 25000)
        # staff keep the contact details
        customer.write({"phone": "+86 10 1234 5678", "last_contact_date": self.today})
        self.assertEqual(self.in_a.phone, "+86 10 1234 5678")

    def test_staff_register_a_customer_without_figures(self):
        Partner = self.env["res.partner"].with_user(self.teller_a1)
        # what the web client sends for a new record: the defaults too
        new = Partner.create({"name": "Walk-in", "branch_id": self.branch_a.id, "star_tier": "0",
                              "aum_daily_avg": 0, "has_business": False})
        self.assertEqual(new.branch_id, self.branch_a)
        with self.assertRaises(AccessError):
            Partner.create({"name": "Rich", "branch_id": self.branch_a.id, "aum_daily_avg": 2000000})
        with self.assertRaises(AccessError):
            Partner.create({"name": "Starred", "branch_id": self.branch_a.id, "star_tier": "5"})
        with self.assertRaises(AccessError):
            Partner.create({"name": "Owned", "branch_id": self.branch_a.id, "tier_owner_id": self.teller_a1.id})
        with self.assertRaises(AccessError):
            new.unlink()

    def test_teller_cannot_take_a_customer(self):
        other = self.teller_a2 if self.in_a.tier_owner_id == self.teller_a1 else self.teller_a1
        with self.assertRaises(AccessError):
            self.in_a.with_user(other).write({"tier_owner_id": other.id})
        with self.assertRaises(AccessError):
            self.in_a.with_user(other).write({"tier_secondary_owner_id": other.id})

    def test_branch_manager_reassigns_within_the_role(self):
        owner = self.in_a.tier_owner_id
        other = (self.teller_a1 | self.teller_a2) - owner
        customer = self.in_a.with_user(self.president_a)
        # not to someone outside the tier's role, nor to nobody
        with self.assertRaises(UserError):
            customer.write({"tier_owner_id": self.cm_a.id})
        with self.assertRaises(UserError):
            customer.write({"tier_owner_id": self.teller_b.id})
        with self.assertRaises(UserError):
            customer.write({"tier_owner_id": False})
        # nor another branch's customer
        with self.assertRaises(AccessError):
            self.in_b.with_user(self.president_a).write({"tier_owner_id": self.teller_a1.id})
        customer.write({"tier_owner_id": other.id})
        self.assertEqual(self.in_a.tier_owner_id, other)
        history = self.in_a.star_tier_history_ids.filtered(lambda h: h.reason == "reassigned")
        self.assertEqual(
            (history.old_owner_id, history.new_owner_id, history.user_id, history.new_tier),
            (owner, other, self.president_a, "2"),
        )
        self.env.cr.precommit.run()  # tracking is posted at commit
        tracked = self.in_a.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "tier_owner_id")
        self.assertIn(other.name, tracked.mapped("new_value_char"))
        # the next night keeps the reassignment while it stays valid
        self.run_tiering()
        self.assertEqual(self.in_a.tier_owner_id, other)

    def test_customer_actions_check_their_group(self):
        with self.assertRaises(AccessError):
            self.in_a.with_user(self.teller_a1).action_star_tiering()
        with self.assertRaises(AccessError):
            self.in_a.with_user(self.plain_user).action_log_contact()
        with self.assertRaises(AccessError):
            self.in_b.with_user(self.teller_a1).action_log_contact()
        self.in_a.with_user(self.teller_a1).action_log_contact()
        self.assertEqual(self.in_a.last_contact_date, self.env["bank.branch"]._bank_today())


@tagged("post_install", "-at_install")
class TestVisibilityFollowsStaff(StarTieringCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.in_a = cls.make_customer(20000)
        cls.in_b = cls.make_customer(20000, branch=cls.branch_b)

    def fresh(self, user):
        """A new request's environment for ``user`` (new cursor-level caches,
        the registry's caches as the last write left them)."""
        return api.Environment(self.env.cr, user.id, {})["res.partner"]

    def test_moved_teller_loses_the_old_branch_at_once(self):
        # a search applies the record rules: their domain is now cached for branch A
        customers = (self.in_a | self.in_b).ids
        self.assertEqual(self.fresh(self.teller_a1).search([("id", "in", customers)]), self.in_a)
        self.teller_a1.branch_id = self.branch_b
        self.env.invalidate_all()
        self.assertEqual(self.fresh(self.teller_a1).search([("id", "in", customers)]), self.in_b)
        with self.assertRaises(AccessError):
            self.fresh(self.teller_a1).browse(self.in_a.id).name  # noqa: B018  (the read is the test: it must raise)
        self.assertEqual(self.fresh(self.teller_a1).browse(self.in_b.id).name, self.in_b.name)

    def test_role_change_takes_the_old_rights_away(self):
        auditor = self.auditor
        self.assertEqual(self.fresh(auditor).search([("id", "in", (self.in_a | self.in_b).ids)]), self.in_a | self.in_b)
        auditor.write({"bank_role": "teller", "branch_id": self.branch_b.id})
        self.env.invalidate_all()
        self.assertFalse(auditor.has_group("star_tiering.group_bank_auditor"))
        self.assertTrue(auditor.has_group("star_tiering.group_bank_user"))
        self.assertEqual(self.fresh(auditor).search([("id", "in", (self.in_a | self.in_b).ids)]), self.in_b)
        # and the other way round: a teller made auditor reads but no longer writes
        self.teller_a1.bank_role = "audit"
        self.env.invalidate_all()
        with self.assertRaises(AccessError):
            self.fresh(self.teller_a1).browse(self.in_a.id).write({"phone": "1"})

    def test_archived_user_session_ends(self):
        # an archived user's session token no longer matches: their next request is refused
        sid = "a" * 40
        before = self.teller_a1._compute_session_token(sid)
        self.teller_a1.active = False
        self.env.registry.clear_cache()
        self.assertNotEqual(self.teller_a1._compute_session_token(sid), before)

    def test_role_sets_the_landing_page(self):
        for user, xmlid in ((self.teller_a1, "action_bank_customers_due"),
                            (self.cm_a, "action_bank_customers_due"),
                            (self.president_a, "action_bank_customers_branch"),
                            (self.auditor, "action_bank_customers_all"),
                            (self.head_office_user, "action_bank_customers_all")):
            self.assertEqual(user.action_id.id, self.env.ref(f"star_tiering.{xmlid}").id, user.login)
        self.assertFalse(self.plain_user.action_id)

    def test_other_apps_see_a_name_only(self):
        """A non-bank user sees no bank customer; a document of theirs that
        names one (here a contact whose company is a bank customer) shows the
        customer's name, as Odoo shows any many2one, and nothing more."""
        contact = self.env["res.partner"].create({"name": "Assistant", "parent_id": self.in_a.id})
        Partner = self.fresh(self.plain_user)
        self.assertFalse(Partner.search([("id", "in", (self.in_a | self.in_b).ids)]))
        [data] = Partner.browse(contact.id).web_read({"parent_id": {"fields": {"display_name": {}}}})
        self.assertEqual(data["parent_id"]["display_name"], self.in_a.display_name)
        with self.assertRaises(AccessError):
            Partner.browse(self.in_a.id).read(["name"])
        with self.assertRaises(AccessError):
            Partner.browse(self.in_a.id).web_read({"phone": {}})


@tagged("post_install", "-at_install")
class TestBusinessDate(StarTieringCase):
    def test_bank_today_is_beijing(self):
        Branch = self.env["bank.branch"]
        # 23:30 in Beijing is 15:30 UTC: the same day
        with freeze_time("2026-11-30 15:30:00"):
            self.assertEqual(Branch._bank_today(), datetime.date(2026, 11, 30))
        # 00:30 in Beijing is still the previous day in UTC
        with freeze_time("2026-11-30 16:30:00"):
            self.assertEqual(Branch._bank_today(), datetime.date(2026, 12, 1))
            # whoever asks: the superuser has no time zone, a user another one
            self.assertEqual(Branch.with_user(self.teller_a1).with_context(tz="America/New_York")._bank_today(),
                             datetime.date(2026, 12, 1))
        self.assertEqual(Branch._bank_date(datetime.datetime(2026, 11, 30, 23, 30)), datetime.date(2026, 12, 1))
        self.assertEqual(Branch._bank_day_bounds(datetime.date(2026, 12, 1)),
                         (datetime.datetime(2026, 11, 30, 16, 0), datetime.datetime(2026, 12, 1, 16, 0)))

    def test_night_at_two_beijing_dates_everything_that_day(self):
        # 02:00 Beijing on 1 December is 18:00 UTC on 30 November
        due = self.make_customer(20000, last_contact_date=datetime.date(2026, 10, 2))  # 60 days: due 1 Dec
        later = self.make_customer(20000, last_contact_date=datetime.date(2026, 10, 3))
        self.head_office.tiering_date = False
        with freeze_time("2026-11-30 18:00:00"):
            self.env["res.partner"].with_context(tz=False)._star_tiering_run_all()
        bank_day = datetime.date(2026, 12, 1)
        self.assertEqual(due.star_tier_date, bank_day)
        self.assertEqual(due.star_tier_history_ids.date, bank_day)
        self.assertEqual(self.branch_a.tiering_date, bank_day)
        todo = self.activities(due)
        self.assertEqual(todo.date_deadline, bank_day)  # due today, not a night late
        self.assertFalse(self.activities(later))
        self.assertEqual(later.next_contact_date, datetime.date(2026, 12, 2))

    def test_crons_run_at_two_bank_time(self):
        with freeze_time("2026-11-30 17:00:00"):  # 01:00 Beijing, 1 December
            nextcall = self.env["res.partner"]._star_tiering_schedule_crons()
        self.assertEqual(nextcall, datetime.datetime(2026, 12, 1, 18, 0))  # 02:00 Beijing, 2 December
        crons = self.env.ref("star_tiering.ir_cron_star_tiering") | self.env.ref(
            "star_tiering.ir_cron_star_tiering_worker_2")
        self.assertEqual(set(crons.mapped("nextcall")), {nextcall})

    def test_contact_logged_after_midnight_beijing(self):
        customer = self.make_customer(20000)
        self.run_tiering()
        with freeze_time("2026-11-30 16:30:00"):  # 00:30 Beijing on 1 December
            customer.with_user(customer.tier_owner_id).action_log_contact()
        self.assertEqual(customer.last_contact_date, datetime.date(2026, 12, 1))


@tagged("post_install", "-at_install")
class TestNoOrphan(StarTieringCase):
    def test_archived_owner_hands_over_to_a_colleague(self):
        customers = self.make_customer(20000) | self.make_customer(20000) | self.make_customer(20000)
        self.run_tiering()
        leaver = customers[0].tier_owner_id
        mine = customers.filtered(lambda c: c.tier_owner_id == leaver)
        self.assertTrue(self.activities(mine))
        leaver.active = False
        self.assertFalse(customers.filtered(lambda c: c.tier_owner_id == leaver))
        self.assertEqual(mine.tier_owner_id, (self.teller_a1 | self.teller_a2) - leaver)
        self.assertEqual(self.activities(mine).user_id, (self.teller_a1 | self.teller_a2) - leaver)

    def test_nobody_in_the_role_goes_to_the_president(self):
        customers = self.make_customer(20000) | self.make_customer(30000)
        self.run_tiering()
        self.assertTrue(self.activities(customers))
        (self.teller_a1 | self.teller_a2).write({"active": False})
        self.assertEqual(customers.tier_owner_id, self.president_a)
        self.assertEqual(self.activities(customers).user_id, self.president_a)
        notices = self.branch_a.message_ids.filtered(
            lambda m: self.president_a.partner_id in m.partner_ids and "Nobody in the branch" in str(m.body))
        self.assertTrue(notices)
        self.assertIn(customers[0].name, str(notices[0].body))
        # a night later nothing changes and nobody is told again
        count = len(self.branch_a.message_ids)
        self.run_tiering()
        self.assertEqual(customers.tier_owner_id, self.president_a)
        self.assertEqual(len(self.branch_a.message_ids), count)
        # a teller arrives: the customers go back to the role
        newcomer = mail_new_test_user(self.env, login="teller_new", groups="base.group_user",
                                      branch_id=self.branch_a.id, bank_role="teller")
        self.run_tiering()
        self.assertEqual(customers.tier_owner_id, newcomer)

    def test_moved_and_role_changed_owners_leave_their_customers(self):
        customers = self.make_customer(20000) | self.make_customer(20000)
        self.run_tiering()
        self.teller_a1.branch_id = self.branch_b
        self.teller_a2.bank_role = "customer_manager"
        self.assertEqual(customers.tier_owner_id, self.president_a)
        owners = self.env["res.users"].with_context(active_test=False).search([("active", "=", False)])
        self.assertFalse(customers.tier_owner_id & owners)


@tagged("post_install", "-at_install")
class TestBulkWritesAndStatistics(StarTieringCase):
    def test_large_bulk_writes_are_analysed(self):
        Partner = self.env["res.partner"]
        self.assertFalse(Partner._sql_analyze("mail_activity", res_partner_tiering.ANALYZE_MIN_ROWS - 1))
        self.assertTrue(Partner._sql_analyze("mail_activity", res_partner_tiering.ANALYZE_MIN_ROWS))
        for _i in range(3):
            self.make_customer(20000)
        analysed = []
        original = type(Partner)._sql_analyze

        def spy(model, table, rows):
            analysed.append(table)
            return original(model, table, rows)

        with patch.object(res_partner_tiering, "ANALYZE_MIN_ROWS", 1), \
                patch.object(type(Partner), "_sql_analyze", spy):
            self.run_tiering()
        # the to-dos the run inserted; res_partner's UPDATE changes no row count nor indexed column
        self.assertEqual(set(analysed), {"mail_activity"})

    def test_partner_pages_keep_room_for_the_nightly_updates(self):
        self.env.cr.execute("SELECT reloptions FROM pg_class WHERE relname = 'res_partner'")
        self.assertIn("fillfactor=50", self.env.cr.fetchone()[0] or [])

    def test_what_the_bulk_sql_skips(self):
        """The engine writes customers and to-dos in SQL. What the ORM would
        have done besides, and why it is not needed or skipped on purpose:"""
        customer = self.make_customer(20000)
        self.run_tiering()
        owner = customer.tier_owner_id
        todo = self.activities(customer)
        self.assertEqual(todo.user_id, owner)
        # 1. mail.activity.create makes the assignee follow the customer; the
        #    engine does not, on purpose: owners change with tiers every night
        #    and a million follower rows would only add noise; the owner sees
        #    the to-do in their activity menu and the customer in My Customers.
        self.assertNotIn(owner.partner_id, customer.message_partner_ids)
        # 2. the owner's activity counter is no stored column: the systray
        #    counts the open to-dos when asked, so it includes the engine's.
        #    (the owner in the bank's time zone, as staff are: the systray
        #    dates "today" in the user's zone, the engine in the bank's, and
        #    from 16:00 UTC a zone-less user's today is the bank's yesterday)
        owner.tz = "Asia/Shanghai"
        groups = self.env["res.users"].with_user(owner)._get_activity_groups()
        counts = {g["model"]: g["total_count"] for g in groups}
        self.assertEqual(counts.get("res.partner"), 1)
        # 3. no stored field depends on the columns the engine writes, so no
        #    recomputation is skipped (a new one would make this test fail).
        registry = self.env.registry
        written = {
            "res.partner": ["star_tier", "star_tier_date", "tier_owner_id", "tier_secondary_owner_id",
                            "next_contact_date", "tier_aum"],
        }
        for model, names in written.items():
            for name in names:
                dependents = [
                    f for f in registry.get_dependent_fields(self.env[model]._fields[name])
                    if f.store and f.compute
                ]
                self.assertFalse(dependents, f"{model}.{name} has stored dependents: {dependents}")
