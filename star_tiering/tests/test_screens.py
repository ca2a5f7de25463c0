from datetime import timedelta

from lxml import etree

from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import StarTieringCase

BANK_CUSTOMER_ACTIONS = (
    "star_tiering.action_bank_customers",
    "star_tiering.action_bank_customers_due",
    "star_tiering.action_bank_customers_branch",
    "star_tiering.action_bank_customers_all",
    "star_tiering.action_bank_customer_ledger",
)
# what the nightly tiering and the core-banking feed own: no member of branch
# staff writes them (the model refuses it; the form must not offer it)
STAFF_READONLY = (
    "star_tier", "star_tier_date", "tier_aum", "next_contact_date", "aum_daily_avg", "aum_date",
    "has_business", "customer_number", "branch_id", "tier_owner_id", "tier_secondary_owner_id",
)


def is_readonly(node):
    return node.get("readonly") in ("1", "True", "true")


@tagged("post_install", "-at_install")
class TestScreens(StarTieringCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank_form = cls.env.ref("star_tiering.view_partner_bank_customer_form")

    def search_filter_groups(self):
        """{filter name: group number} of the customers' search view, a
        separator (or a <group>) starting a new group, as the web client
        groups them (filters of one group are OR-ed, groups AND-ed)."""
        arch = etree.fromstring(self.env.ref("star_tiering.view_partner_bank_customer_search").arch)
        groups, group = {}, 0
        for node in arch:
            if node.tag in ("separator", "group"):
                group += 1
            elif node.tag == "filter":
                groups[node.get("name")] = group
        return groups

    def form_arch(self, user):
        result = self.env["res.partner"].with_user(user).get_views([(self.bank_form.id, "form")])
        return etree.fromstring(result["views"]["form"]["arch"])

    def test_narrowing_filters_combine_with_and(self):
        groups = self.search_filter_groups()
        self.assertNotEqual(groups["my_customers"], groups["due"],
                            "My Customers and Due for Contact must be in different filter groups")
        self.assertNotEqual(groups["my_customers"], groups["aum_alerts"])
        self.assertNotEqual(groups["due"], groups["aum_alerts"])
        self.assertNotEqual(groups["no_owner"], groups["my_activities"])
        # the due variants are alternatives of one another
        self.assertEqual(groups["due"], groups["due_today"])
        self.assertEqual(groups["due"], groups["overdue"])

    def test_due_filters(self):
        """Due today, overdue, due: the three domains of the search view, as
        the web client evaluates them, on customers due yesterday, today and
        tomorrow."""
        arch = etree.fromstring(self.env.ref("star_tiering.view_partner_bank_customer_search").arch)
        domains = {f.get("name"): f.get("domain") for f in arch.iter("filter")}
        days = {name: self.today + timedelta(days=delta)
                for name, delta in (("yesterday", -1), ("today", 0), ("tomorrow", 1))}
        customers = {name: self.make_customer(20000) for name in days}
        for name, day in days.items():
            customers[name].sudo().next_contact_date = day  # the engine's field
        ids = [c.id for c in customers.values()]
        context = {"context_today": lambda: self.today, "uid": self.env.uid}

        def found(filter_name):
            domain = [*safe_eval(domains[filter_name], context), ("id", "in", ids)]
            return {name for name, c in customers.items() if c in self.env["res.partner"].search(domain)}

        self.assertEqual(found("due"), {"yesterday", "today"})
        self.assertEqual(found("due_today"), {"today"})
        self.assertEqual(found("overdue"), {"yesterday"})

    def test_bank_actions_use_bank_form(self):
        for xmlid in BANK_CUSTOMER_ACTIONS:
            action = self.env.ref(xmlid)
            self.assertIn((self.bank_form.id, "form"), action.views, xmlid)
        # the generic Contacts form stays the default form of res.partner
        self.assertNotEqual(self.env["res.partner"].get_view(view_type="form")["id"], self.bank_form.id)

    def test_landing_actions_default_filters(self):
        arch = etree.fromstring(self.env.ref("star_tiering.view_partner_bank_customer_search").arch)
        filters = {node.get("name") for node in arch.iter("filter")}
        expected = {
            "star_tiering.action_bank_customers_due": {"search_default_my_customers", "search_default_due"},
            # the branch's customers, best tiers first (an alerts filter would land a
            # president on an empty list most mornings)
            "star_tiering.action_bank_customers_branch": set(),
            "star_tiering.action_bank_customers_all": {"search_default_group_branch"},
        }
        for xmlid, defaults in expected.items():
            action = self.env.ref(xmlid)
            context = safe_eval(action.context)
            self.assertEqual({k for k in context if k.startswith("search_default_")}, defaults, xmlid)
            self.assertEqual(action.views[0][1], "list", xmlid)
            self.assertEqual(safe_eval(action.domain), [("branch_id", "!=", False)], xmlid)
            for key in defaults:
                self.assertIn(key.removeprefix("search_default_"), filters, xmlid)

    def test_aum_alerts_filter(self):
        """The branch president's default filter finds the customers with an
        open asset-change to-do, and only them."""
        alerted, quiet = self.make_customer(400000), self.make_customer(400000)
        alerted.activity_schedule("star_tiering.mail_activity_type_aum_change", user_id=self.president_a.id)
        quiet.activity_schedule("star_tiering.mail_activity_type_customer_maintenance", user_id=self.cm_a.id)
        arch = etree.fromstring(self.env.ref("star_tiering.view_partner_bank_customer_search").arch)
        domain = safe_eval(arch.xpath("//filter[@name='aum_alerts']")[0].get("domain"))
        found = self.env["res.partner"].with_user(self.president_a).search(
            [*domain, ("id", "in", (alerted | quiet).ids)])
        self.assertEqual(found, alerted)

    def test_bank_form_readonly_for_teller(self):
        arch = self.form_arch(self.teller_a1)
        for name in STAFF_READONLY:
            nodes = arch.xpath(f"//field[@name='{name}']")
            self.assertTrue(nodes, f"{name} is not on the bank form")
            self.assertTrue(all(is_readonly(node) for node in nodes), f"{name} is editable for a teller")
        # the contact is the teller's to log
        self.assertFalse(any(is_readonly(n) for n in arch.xpath("//field[@name='last_contact_date']")))
        # the generic Contacts parts are not there
        self.assertFalse(arch.xpath("//field[@name='vat']"))
        self.assertFalse(arch.xpath("//page[@name='sales_purchases']"))
        self.assertTrue(arch.xpath("//header/button[@name='action_log_contact']"))
        self.assertFalse(arch.xpath("//header/button[@name='action_star_tiering']"))

    def test_bank_form_top(self):
        """Stars under the name; customer number, branch, AUM, owners and
        contact dates above the tabs."""
        arch = self.form_arch(self.teller_a1)
        self.assertTrue(arch.xpath("//div[hasclass('oe_title')]//field[@name='star_tier'][@widget='priority']"))
        top = arch.xpath("//sheet/group")[0]
        for name in ("customer_number", "branch_id", "aum_daily_avg", "aum_date", "tier_owner_id",
                     "tier_secondary_owner_id", "last_contact_date", "next_contact_date", "activity_ids"):
            self.assertTrue(top.xpath(f".//field[@name='{name}']"), f"{name} is not at the top of the form")
        self.assertTrue(arch.xpath("//notebook//field[@name='star_tier_history_ids']"))
        self.assertTrue(arch.xpath("//notebook//field[@name='tier_aim']"))
        self.assertTrue(arch.xpath("//chatter"))

    def test_bank_form_owners_for_managers(self):
        for user in (self.president_a, self.head_office_user):
            arch = self.form_arch(user)
            for name in ("tier_owner_id", "tier_secondary_owner_id"):
                nodes = arch.xpath(f"//field[@name='{name}']")
                self.assertEqual(len(nodes), 1, f"{name} once for {user.login}")
                self.assertFalse(is_readonly(nodes[0]), f"{name} is read-only for {user.login}")
            self.assertTrue(arch.xpath("//header/button[@name='action_star_tiering']"))
        # a president may reassign but not correct the feed; head office may
        president = self.form_arch(self.president_a)
        self.assertTrue(is_readonly(president.xpath("//field[@name='customer_number']")[0]))
        head_office = self.form_arch(self.head_office_user)
        self.assertFalse(is_readonly(head_office.xpath("//field[@name='customer_number']")[0]))
        self.assertTrue(is_readonly(head_office.xpath("//field[@name='next_contact_date']")[0]))

    def test_generic_form_keeps_the_tier_tab(self):
        """The admin's Contacts form still carries the tier (its own inheritance)."""
        arch = etree.fromstring(self.env["res.partner"].get_view(view_type="form")["arch"])
        self.assertTrue(arch.xpath("//page[@name='star_tiering']//field[@name='customer_number']"))

    def test_coverage_shows_my_branches(self):
        action = self.env.ref("star_tiering.action_bank_branch_coverage")
        domain = safe_eval(action.domain or "[]")
        Branch = self.env["bank.branch"]
        self.assertEqual(Branch.with_user(self.president_a).search(domain), self.branch_a | self.outlet_a1)
        self.assertEqual(Branch.with_user(self.president_b).search(domain), self.branch_b)
        everything = Branch.search([])
        self.assertIn(self.branch_b, everything)
        self.assertEqual(Branch.with_user(self.auditor).search(domain), everything)
        self.assertEqual(Branch.with_user(self.head_office_user).search(domain), everything)

    def test_policy_tiers_show_their_own_count(self):
        """The priority widget shows no star for a selection's first option:
        on the policy lines (1★ first) it would show one star too few."""
        Line = self.env["star.tier.policy.line"]
        self.assertEqual(Line._fields["star_tier"].selection[0][0], "1")
        lists = (
            etree.fromstring(Line.get_view(self.env.ref("star_tiering.view_star_tier_policy_line_list").id)["arch"]),
            etree.fromstring(self.env.ref("star_tiering.view_bank_branch_form").arch).xpath(
                "//field[@name='tier_policy_line_ids']")[0],
        )
        for arch in lists:
            nodes = arch.xpath(".//field[@name='star_tier']")
            self.assertTrue(nodes)
            self.assertFalse([n for n in nodes if n.get("widget") == "priority"])
        # where the selection starts with "not tiered", the widget is right
        for model in ("res.partner", "star.tier.history"):
            for name in ("star_tier", "old_tier", "new_tier"):
                if name in self.env[model]._fields:
                    self.assertEqual(self.env[model]._fields[name].selection[0][0], "0")

    def test_date_columns_fit_a_chinese_date(self):
        """"2026年11月23日" is wider than Odoo's default date column."""
        lists = {
            "star_tiering.view_partner_bank_customer_list": ("last_contact_date", "next_contact_date"),
            "star_tiering.view_star_tier_history_list": ("date",),
            "star_tiering.view_bank_branch_list": ("tiering_date",),
        }
        for xmlid, names in lists.items():
            arch = etree.fromstring(self.env.ref(xmlid).arch)
            for name in names:
                width = arch.xpath(f"//field[@name='{name}']")[0].get("width") or "0px"
                self.assertGreaterEqual(int(width.removesuffix("px")), 110, f"{xmlid}: {name}")
