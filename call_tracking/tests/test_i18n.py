"""A Chinese-speaking member of staff reads the sheet and its errors in
Chinese (the bank's words: 会计主管, 签字确认, 有效营销)."""
from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import WORKDAY, WORKDAY_EVENING, CallTrackingCase, bj


@tagged("post_install", "-at_install")
class TestChinese(CallTrackingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["call_tracking"], ["zh_CN"], overwrite=True)
        (cls.teller_a1 | cls.president_a).lang = "zh_CN"

    @freeze_time(WORKDAY_EVENING)
    def test_errors_and_labels_in_chinese(self):
        sheet = self.log_call(self.customers_a[0], bj(WORKDAY, 9)).sheet_id
        with self.assertRaisesRegex(UserError, "未完成原因"):
            sheet.with_user(self.teller_a1).with_context(lang="zh_CN").action_submit()
        sheet.with_user(self.teller_a1).shortfall_reason = "客户未接听"
        sheet.with_user(self.teller_a1).action_submit()
        with self.assertRaisesRegex(UserError, "须先由会计主管签字"):
            sheet.with_user(self.president_a).with_context(lang="zh_CN").action_sign_president()
        with self.assertRaisesRegex(ValidationError, "通话时长应在 0 至 14400 秒"):
            self.env["call.log"].with_user(self.teller_a1).with_context(lang="zh_CN").create({
                "partner_id": self.customers_a[1].id, "call_start": bj(WORKDAY, 9), "duration_seconds": -3,
            })
        zh_env = self.env(context=dict(self.env.context, lang="zh_CN"))
        states = dict(self.env["call.sheet"]._fields["state"]._description_selection(zh_env))
        self.assertEqual(states["supervisor_signed"], "会计主管已签字")
        menu = self.env.ref("call_tracking.menu_call_tracking_root").with_context(lang="zh_CN")
        self.assertEqual(menu.name, "电话营销")
