"""The screens each role uses open and work as that role (views loaded with
the user's groups, edited through Form as the web client would)."""
from freezegun import freeze_time
from lxml import etree

from odoo.tests import Form, tagged

from .common import WORKDAY, WORKDAY_EVENING, CallTrackingCase, bj


@tagged("post_install", "-at_install")
class TestViews(CallTrackingCase):
    def buttons(self, model, user, record=None):
        arch = self.env[model].with_user(user).get_views([(False, "form")])["views"]["form"]["arch"]
        return {node.get("name") for node in etree.fromstring(arch).iter("button")}

    def test_menu_per_role(self):
        root = self.env.ref("call_tracking.menu_call_tracking_root")
        for user in (self.teller_a1, self.supervisor_a, self.president_a, self.auditor, self.hr, self.head_office_user):
            menus = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
            self.assertIn(root.id, menus, user.login)
            self.assertIn(self.env.ref("call_tracking.menu_call_sheet").id, menus, user.login)
        self.assertNotIn(root.id, self.env["ir.ui.menu"].with_user(self.plain_user)._visible_menu_ids())
        config = self.env.ref("call_tracking.menu_call_tracking_config").id
        self.assertNotIn(config, self.env["ir.ui.menu"].with_user(self.teller_a1)._visible_menu_ids())
        self.assertIn(config, self.env["ir.ui.menu"].with_user(self.president_a)._visible_menu_ids())

    def test_sheet_buttons_per_group(self):
        self.assertNotIn("action_sign_supervisor", self.buttons("call.sheet", self.teller_a1))
        self.assertNotIn("action_open_reopen_wizard", self.buttons("call.sheet", self.president_a))
        self.assertTrue({"action_submit", "action_sign_supervisor", "action_sign_president"}
                        <= self.buttons("call.sheet", self.supervisor_a))
        self.assertIn("action_open_reopen_wizard", self.buttons("call.sheet", self.head_office_user))

    @freeze_time(WORKDAY_EVENING)
    def test_keying_list_and_sheet_form(self):
        # the rapid-keying list, line by line, as the teller
        keying = self.env.ref("call_tracking.view_call_log_list_keying")
        self.assertEqual(etree.fromstring(keying.arch).get("editable"), "bottom")
        for n, seconds in enumerate((45, 80, 300)):
            with Form(self.env["call.log"].with_user(self.teller_a1), view=keying) as line:
                line.partner_id = self.customers_a[n]
                line.call_start = bj(WORKDAY, 9, n)
                line.duration_seconds = seconds
                line.needs = "Deposit maturing"
                line.products_marketed = "Large CD"
                line.outcome = "interested"
        sheet = self.sheet_of(self.branch_a, WORKDAY)
        self.assertEqual((sheet.call_count, sheet.effective_customer_count), (3, 2))
        # the sheet form: the reason for the shortfall, then submit
        with Form(sheet.with_user(self.teller_a1)) as form:
            self.assertEqual(form.shortfall, 8)
            form.shortfall_reason = "Morning meeting ran long"
        sheet.with_user(self.teller_a1).action_submit()
        self.assertTrue(Form(sheet.with_user(self.supervisor_a)).can_sign_supervisor)
        self.assertFalse(Form(sheet.with_user(self.teller_a1)).can_sign_supervisor)

    def test_branch_settings_page(self):
        form = Form(self.branch_a.with_user(self.president_a))
        form.call_designated_user_ids.add(self.teller_a2)
        form.save()
        self.assertEqual(self.branch_a.call_designated_user_ids, self.teller_a1 | self.teller_a2)
        with Form(self.branch_a.with_user(self.head_office_user)) as form:
            form.call_daily_quota = 12
            form.call_deputy_supervisor_id = self.cm_a
        self.assertEqual((self.branch_a.call_daily_quota, self.branch_a.call_deputy_supervisor_id), (12, self.cm_a))

    def test_customer_form_has_log_a_call(self):
        view = self.env.ref("star_tiering.view_partner_bank_customer_form")
        arch = self.env["res.partner"].with_user(self.teller_a1).get_views([(view.id, "form")])["views"]["form"]["arch"]
        self.assertIn("action_log_call", {node.get("name") for node in etree.fromstring(arch).iter("button")})
