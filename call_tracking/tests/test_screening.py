"""The monthly screening (筛选客户 / 电话营销预备登记): what it selects at the
boundaries of each criterion, the saved filter, de-duplication (also against a
concurrent run), the spreading over the working days (调休 included), who
gets the to-dos, and who may screen which sub-branch."""
import datetime
from unittest.mock import patch

import psycopg2.errors
from freezegun import freeze_time
from lxml import etree

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from odoo.addons.call_tracking.wizard.call_screening import CallScreeningWizard

from .common import CallTrackingCase, bj

D = datetime.date
# Tuesday 15 September 2026, 10:00 in Beijing: October is next month.
SEPTEMBER = "2026-09-15 02:00:00"
OCTOBER = D(2026, 10, 1)
# October 2026: National Day 1-7 October (the 4th a Sunday), Saturday the
# 10th a make-up working day (调休): 18 working days.
OCTOBER_WORKING_DAYS = [D(2026, 10, d) for d in (8, 9, 10, 12, 13, 14, 15, 16, 19, 20, 21, 22, 23, 26, 27, 28, 29, 30)]


@tagged("post_install", "-at_install")
class TestScreening(CallTrackingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Wizard = cls.env["call.screening.wizard"]
        cls.Plan = cls.env["call.plan"]
        cls.marketing = cls.env.ref("call_tracking.mail_activity_type_phone_marketing")

    def hold(self, partner, product_type, amount=50000, maturity=False):
        """A holding as the feed writes it."""
        return self.env["call.product.holding"].sudo().create({
            "partner_id": partner.id, "product_type": product_type, "amount": amount,
            "maturity_date": maturity, "as_of_date": D(2026, 9, 14),
        })

    def screen(self, user=None, month=OCTOBER, **values):
        return self.Wizard.with_user(user or self.head_office_user).create(dict({"month": month}, **values))

    def plans(self, partners=None):
        domain = [("partner_id", "in", partners.ids)] if partners is not None else []
        return self.Plan.search(domain)

    def todos(self, partners):
        return self.env["mail.activity"].search([
            ("res_model", "=", "res.partner"), ("res_id", "in", partners.ids),
            ("activity_type_id", "=", self.marketing.id),
        ])

    @freeze_time(SEPTEMBER)
    def test_preview_counts_at_the_boundaries(self):
        c = self.customers_a
        self.hold(c[0], "time_deposit", maturity=D(2026, 10, 1))  # the month's first day: in
        self.hold(c[1], "time_deposit", maturity=D(2026, 9, 30))  # the day before: out
        self.hold(c[2], "wealth", maturity=D(2026, 10, 31))  # the month's last day: in
        self.hold(c[3], "wealth", maturity=D(2026, 11, 1))  # the day after: out
        self.hold(c[4], "current_account", 50000)  # at the threshold: in
        self.hold(c[5], "current_account", 49999.99)  # a cent below: out
        self.hold(c[6], "current_account", 30000)  # two accounts, together at the threshold: in
        self.hold(c[6], "current_account", 20000)
        self.hold(c[7], "time_deposit", maturity=D(2026, 10, 15))  # two purposes, one customer
        self.hold(c[7], "current_account", 80000)
        self.hold(self.customer_o1, "time_deposit", maturity=D(2026, 10, 15))  # an outlet's: its sub-branch's
        self.hold(self.customer_b, "time_deposit", maturity=D(2026, 10, 15))
        archived = self.make_customer(20000)
        self.hold(archived, "time_deposit", maturity=D(2026, 10, 15))
        archived.sudo().active = False
        wizard = self.screen(month=D(2026, 10, 17))  # any day of the month
        wizard.action_preview()
        self.assertEqual(wizard.state, "preview")
        self.assertEqual(
            (wizard.deposit_count, wizard.wealth_count, wizard.balance_count, wizard.targeted_count), (4, 1, 3, 0),
        )
        self.assertEqual((wizard.customer_count, wizard.new_count, wizard.planned_count), (7, 7, 0))
        lines = {line.branch_id: line for line in wizard.line_ids}
        self.assertEqual(set(lines), {self.branch_a, self.branch_b})
        a = lines[self.branch_a]
        self.assertEqual((a.deposit_count, a.wealth_count, a.balance_count, a.customer_count), (3, 1, 3, 6))
        self.assertEqual((a.working_day_count, a.caller_count), (18, 1))
        self.assertEqual(lines[self.branch_b].customer_count, 1)
        self.assertEqual(
            set(wizard.sample_ids.partner_id),
            {c[0], c[2], c[4], c[6], c[7], self.customer_o1, self.customer_b},
        )
        sample = wizard.sample_ids.filtered(lambda s: s.partner_id == c[7])
        self.assertEqual(sample.purposes, "Time Deposit Maturing, High Current-account Balance")
        self.assertFalse(self.plans(), "a preview writes nothing")
        # the customers selected, in the customers' list
        action = wizard.action_open_customers()
        found = self.env["res.partner"].with_user(self.head_office_user).search(action["domain"])
        self.assertEqual(found, c[0] | c[2] | c[4] | c[6] | c[7] | self.customer_o1 | self.customer_b)
        # the criteria one by one
        only_wealth = self.screen(use_deposits=False, use_balance=False)
        only_wealth.action_preview()
        self.assertEqual((only_wealth.customer_count, only_wealth.wealth_count), (1, 1))
        higher = self.screen(use_deposits=False, use_wealth=False, balance_threshold=80000)
        higher.action_preview()
        self.assertEqual(higher.customer_count, 1)

    @freeze_time(SEPTEMBER)
    def test_month_and_criteria_are_checked(self):
        with self.assertRaisesRegex(UserError, "2026-08 is over"):
            self.screen(month=D(2026, 8, 31)).action_preview()
        # the current month is still open
        self.screen(month=D(2026, 9, 1)).action_preview()
        with self.assertRaisesRegex(UserError, "at least one criterion"):
            self.screen(use_deposits=False, use_wealth=False, use_balance=False).action_preview()
        with self.assertRaisesRegex(UserError, "Choose sub-branches"):
            self.screen(branch_ids=[(6, 0, self.outlet_a1.ids)]).action_preview()
        # the default: the bank's current month
        self.assertEqual(self.Wizard.with_user(self.president_a).create({}).month, D(2026, 9, 1))

    @freeze_time(SEPTEMBER)
    def test_saved_filter_targets_a_group(self):
        c = self.customers_a
        c[0].sudo().name = "E-banking Zhang"
        c[1].sudo().name = "E-banking Li"
        self.customer_b.sudo().name = "E-banking Wang"
        ebanking = self.env["ir.filters"].with_user(self.president_a).create({
            "name": "E-banking users", "model_id": "res.partner",
            "domain": "[('name', 'ilike', 'E-banking')]", "user_id": self.president_a.id,
        })
        wizard = self.screen(
            user=self.president_a, filter_id=ebanking.id, use_deposits=False, use_wealth=False, use_balance=False,
        )
        wizard.action_preview()
        # branch B's customer matches the filter but is not the president's
        self.assertEqual((wizard.targeted_count, wizard.customer_count), (2, 2))
        wizard.action_create_todos()
        plans = self.plans()
        self.assertEqual(plans.partner_id, c[0] | c[1])
        self.assertEqual(set(plans.mapped("purpose")), {"targeted"})
        self.assertEqual(plans.filter_id, ebanking)
        self.assertIn("E-banking users", self.todos(c[0]).note)
        # a filter that cannot be evaluated is a clear error
        broken = self.env["ir.filters"].create({
            "name": "Broken", "model_id": "res.partner", "domain": "[('no_such_field', '=', 1)]", "user_id": False,
        })
        with self.assertRaisesRegex(UserError, "Broken"):
            self.screen(filter_id=broken.id).action_preview()

    @freeze_time(SEPTEMBER)
    def test_never_twice_for_the_same_customer_and_purpose(self):
        c = self.customers_a
        self.hold(c[0], "time_deposit", maturity=D(2026, 10, 9))
        self.hold(c[0], "current_account", 60000)
        self.hold(c[1], "wealth", maturity=D(2026, 10, 20))
        first = self.screen()
        first.action_preview()
        first.action_create_todos()
        self.assertEqual((first.created_count, first.activity_count, first.skipped_count), (3, 2, 0))
        self.assertEqual(len(self.plans()), 3)
        self.assertEqual(len(self.todos(c[0] | c[1])), 2, "one to-do per customer, whatever the purposes")
        # the same screening again: nothing new
        again = self.screen()
        again.action_preview()
        self.assertEqual((again.customer_count, again.new_count, again.planned_count), (2, 0, 3))
        again.action_create_todos()
        self.assertEqual((again.created_count, again.activity_count, again.skipped_count), (0, 0, 3))
        self.assertEqual(len(self.plans()), 3)
        self.assertEqual(len(self.todos(c[0] | c[1])), 2)
        # a new purpose for a customer already called for another one: that purpose only
        self.hold(c[1], "current_account", 70000)
        third = self.screen()
        third.action_create_todos()
        self.assertEqual((third.created_count, third.activity_count, third.skipped_count), (1, 1, 3))
        self.assertEqual(set(self.plans(c[1]).mapped("purpose")), {"wealth_maturity", "high_balance"})
        # another month is another call: the deposit renewed to November
        self.hold(c[0], "time_deposit", maturity=D(2026, 11, 9))
        november = self.screen(month=D(2026, 11, 1), use_balance=False, use_wealth=False)
        november.action_create_todos()
        self.assertEqual(november.created_count, 1)
        self.assertEqual(
            sorted(self.plans(c[0]).mapped(lambda p: (str(p.month), p.purpose))),
            [("2026-10-01", "deposit_maturity"), ("2026-10-01", "high_balance"), ("2026-11-01", "deposit_maturity")],
        )

    @freeze_time(SEPTEMBER)
    def test_concurrent_screenings_pre_register_once(self):
        c = self.customers_a
        self.hold(c[0], "time_deposit", maturity=D(2026, 10, 9))
        self.hold(c[1], "time_deposit", maturity=D(2026, 10, 9))
        wizard = self.screen()
        build = CallScreeningWizard._screening_build

        def build_then_other_run_commits(this):
            result = build(this)
            # another screening pre-registered c[1] between this one's selection and its insert
            this.env.cr.execute(
                "INSERT INTO call_plan (partner_id, branch_id, month, purpose) VALUES (%s, %s, %s, 'deposit_maturity')",
                (c[1].id, self.branch_a.id, OCTOBER),
            )
            return result

        with patch.object(CallScreeningWizard, "_screening_build", build_then_other_run_commits):
            wizard.action_create_todos()
        self.assertEqual((wizard.created_count, wizard.activity_count, wizard.skipped_count), (1, 1, 1))
        self.assertEqual(len(self.plans(c[1])), 1)
        self.assertFalse(self.todos(c[1]), "the other run's customer gets no second to-do")
        # the database refuses a second row whatever writes it
        with self.assertRaises(psycopg2.errors.UniqueViolation), mute_logger("odoo.sql_db"), \
                self.env.cr.savepoint():
            self.env.cr.execute(
                "INSERT INTO call_plan (partner_id, branch_id, month, purpose) VALUES (%s, %s, %s, 'deposit_maturity')",
                (c[0].id, self.branch_a.id, OCTOBER),
            )

    def _maturing_customers(self, count, branch=None):
        partners = self.env["res.partner"].browse([self.make_customer(20000, branch=branch).id for _i in range(count)])
        for index, partner in enumerate(partners):
            self.hold(partner, "time_deposit", maturity=D(2026, 10, 1) + datetime.timedelta(days=index % 30))
        return partners

    @freeze_time(SEPTEMBER)
    def test_daily_batches_of_the_quota_from_the_first_working_day(self):
        partners = self._maturing_customers(25)
        wizard = self.screen(branch_ids=[(6, 0, self.branch_a.ids)])
        wizard.action_create_todos()
        plans = self.plans(partners)
        per_day = {
            day: len(plans.filtered(lambda p, d=day: p.planned_date == d)) for day in set(plans.mapped("planned_date"))
        }
        # 25 customers, a quota of 10 a day: 10, 10 and 5 on the first working days,
        # the third of them the make-up Saturday (调休)
        self.assertEqual(per_day, {D(2026, 10, 8): 10, D(2026, 10, 9): 10, D(2026, 10, 10): 5})
        # the earliest maturities first
        first_day = plans.filtered(lambda p: p.planned_date == D(2026, 10, 8))
        self.assertEqual(max(first_day.mapped("maturity_date")), D(2026, 10, 10))
        # each to-do is due on its planned day
        for plan in plans:
            self.assertEqual(plan.activity_id.date_deadline, plan.planned_date)

    @freeze_time(SEPTEMBER)
    def test_equal_daily_batches_over_every_working_day(self):
        partners = self._maturing_customers(40)
        self.branch_a.sudo().call_daily_quota = 2
        self.screen(branch_ids=[(6, 0, self.branch_a.ids)]).action_create_todos()
        plans = self.plans(partners)
        days = sorted(set(plans.mapped("planned_date")))
        # 40 customers over 18 working days: every working day, 2 or 3 each,
        # never a holiday or a weekend, the make-up Saturday included
        self.assertEqual(days, OCTOBER_WORKING_DAYS)
        counts = [len(plans.filtered(lambda p, d=day: p.planned_date == d)) for day in days]
        self.assertEqual(sum(counts), 40)
        self.assertLessEqual(max(counts) - min(counts), 1)
        self.assertGreaterEqual(min(counts), 2)

    @freeze_time("2026-10-20 02:00:00")
    def test_current_month_from_the_banks_today(self):
        partners = self._maturing_customers(12)
        self.branch_a.sudo().call_daily_quota = 1
        self.screen().action_create_todos()
        days = sorted(set(self.plans(partners).mapped("planned_date")))
        self.assertEqual(days, [d for d in OCTOBER_WORKING_DAYS if d >= D(2026, 10, 20)])

    @freeze_time(SEPTEMBER)
    def test_to_dos_go_to_the_owner_or_the_designated_callers_in_turn(self):
        c = self.customers_a
        for partner in c[:6]:
            self.hold(partner, "time_deposit", maturity=D(2026, 10, 12))
        self.branch_a.call_designated_user_ids = self.teller_a1 | self.teller_o1
        # an owner who is a designated caller keeps the customer; others are shared in turn
        c[0].sudo().tier_owner_id = self.teller_a1
        c[1].sudo().tier_owner_id = self.teller_o1
        (c[2] | c[3] | c[4] | c[5]).sudo().tier_owner_id = self.teller_a2
        # branch B has no designated caller: the owner, else the president
        self.branch_b.call_designated_user_ids = False
        b1, b2 = self.customer_b, self.make_customer(20000, branch=self.branch_b)
        self.hold(b1, "wealth", maturity=D(2026, 10, 12))
        self.hold(b2, "wealth", maturity=D(2026, 10, 12))
        b1.sudo().tier_owner_id = self.teller_b
        self.screen().action_create_todos()
        callers = {plan.partner_id: plan.user_id for plan in self.plans()}
        self.assertEqual((callers[c[0]], callers[c[1]]), (self.teller_a1, self.teller_o1))
        shared = [callers[p] for p in c[2:6]]
        self.assertEqual(sorted(u.id for u in shared), sorted([self.teller_a1.id, self.teller_o1.id] * 2))
        self.assertEqual((callers[b1], callers[b2]), (self.teller_b, self.president_b))
        # the to-do: the phone-marketing type, for the caller, the purpose and maturity in its note
        todo = self.todos(c[0])
        self.assertEqual((todo.user_id, todo.activity_type_id), (self.teller_a1, self.marketing))
        self.assertEqual(todo.summary, "Time Deposit Maturing")
        self.assertIn("2026-10-12", todo.note)
        self.assertIn("50,000.00 CNY", todo.note)
        self.assertEqual(self.plans(c[0]).activity_id, todo)

    @freeze_time("2026-10-08 10:00:00")
    def test_the_call_completes_the_to_do(self):
        partner = self.customers_a[0]
        self.hold(partner, "time_deposit", maturity=D(2026, 10, 12))
        self.screen().action_create_todos()
        plan = self.plans(partner)
        self.assertEqual((plan.user_id, plan.planned_date), (self.teller_a1, D(2026, 10, 8)))
        self.log_call(partner, bj(D(2026, 10, 8), 9), seconds=75)
        self.assertFalse(self.todos(partner))
        self.assertFalse(plan.activity_id)

    @freeze_time(SEPTEMBER)
    def test_who_may_screen_which_sub_branch(self):
        self.hold(self.customers_a[0], "time_deposit", maturity=D(2026, 10, 12))
        self.hold(self.customer_b, "time_deposit", maturity=D(2026, 10, 12))
        # a teller, audit: not through the screen, nor through the model
        for user in (self.teller_a1, self.auditor, self.hr):
            with self.assertRaises(AccessError):
                self.screen(user=user)
            with self.assertRaises(AccessError):
                self.Wizard.with_user(user)._check_screening_user()
        # a president screens their own sub-branch, by default and by choice
        mine = self.screen(user=self.president_a)
        mine.action_preview()
        self.assertEqual(mine.line_ids.branch_id, self.branch_a)
        mine.action_create_todos()
        self.assertEqual(self.plans().branch_id, self.branch_a)
        # not another one, whatever the view shows
        with self.assertRaisesRegex(AccessError, "Branch B"):
            self.screen(user=self.president_a, branch_ids=[(6, 0, self.branch_b.ids)]).action_preview()
        with self.assertRaisesRegex(AccessError, "Branch B"):
            self.screen(user=self.president_a, branch_ids=[(6, 0, (self.branch_a | self.branch_b).ids)]) \
                .action_create_todos()
        # nor another manager's screening
        with self.assertRaises(AccessError):
            mine.with_user(self.president_b).action_preview()
        # head office screens every sub-branch
        every = self.screen()
        every.action_create_todos()
        self.assertEqual(every.created_count, 1)
        self.assertEqual(self.plans().branch_id, self.branch_a | self.branch_b)
        # staff read their branch's pre-registrations; nobody writes them by hand
        self.assertEqual(self.Plan.with_user(self.teller_a1).search([]).branch_id, self.branch_a)
        self.assertEqual(self.Plan.with_user(self.teller_b).search([]).branch_id, self.branch_b)
        with self.assertRaises(AccessError):
            self.Plan.with_user(self.president_a).search([], limit=1).write({"planned_date": D(2026, 10, 9)})

    @freeze_time(SEPTEMBER)
    def test_screens(self):
        self.hold(self.customers_a[0], "time_deposit", maturity=D(2026, 10, 12))
        self.hold(self.customers_a[1], "current_account", 90000)
        # the branch manager's screen, filled in as the web client does
        with Form(self.Wizard.with_user(self.president_a)) as form:
            form.month = D(2026, 10, 5)
            form.use_wealth = False
            form.balance_threshold = 100000
        wizard = form.record
        wizard.action_preview()
        self.assertEqual((wizard.customer_count, wizard.deposit_count, wizard.balance_count), (1, 1, 0))
        self.assertEqual(wizard.sample_ids.user_id, self.teller_a1)
        self.assertEqual(wizard.sample_ids.planned_date, D(2026, 10, 8))
        wizard.action_back()
        self.assertEqual(wizard.state, "draft")
        # the menus: managers screen, everyone reads the pre-registrations and holdings
        Menu = self.env["ir.ui.menu"]
        screen = self.env.ref("call_tracking.menu_call_screening_wizard").id
        reading = {self.env.ref(f"call_tracking.menu_call_{name}").id for name in ("plan", "product_holding")}
        importing = self.env.ref("call_tracking.menu_call_holdings_import").id
        teller_menus = Menu.with_user(self.teller_a1)._visible_menu_ids()
        self.assertNotIn(screen, teller_menus)
        self.assertLessEqual(reading, teller_menus)
        self.assertIn(screen, Menu.with_user(self.president_a)._visible_menu_ids())
        self.assertNotIn(importing, Menu.with_user(self.president_a)._visible_menu_ids())
        self.assertIn(importing, Menu.with_user(self.head_office_user)._visible_menu_ids())
        # the customer's form shows the holdings and pre-registrations, read-only
        view = self.env.ref("star_tiering.view_partner_bank_customer_form")
        arch = self.env["res.partner"].with_user(self.teller_a1).get_views([(view.id, "form")])["views"]["form"]["arch"]
        fields_shown = {node.get("name") for node in etree.fromstring(arch).iter("field")}
        self.assertTrue({"call_holding_ids", "call_plan_ids"} <= fields_shown)
        # the feed's upload wizard offers the holdings file to head office
        arch = self.env["star.tier.feed.import"].with_user(self.head_office_user).get_views(
            [(False, "form")])["views"]["form"]["arch"]
        fields_shown = {node.get("name") for node in etree.fromstring(arch).iter("field")}
        self.assertTrue({"kind", "holdings_cleared_count", "product_type", "maturity_date"} <= fields_shown)
