"""HR, the auditors and the branches read the audit in Chinese (处罚, 抽查,
虚假, 人事综合部, 审计部)."""
from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import AFTER_MONTH, MONTH, MONTH_LAST_EVENING, AuditPenaltyCase


@tagged("post_install", "-at_install")
class TestAuditChinese(AuditPenaltyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["audit_penalty"], ["zh_CN"], overwrite=True)
        (cls.hr | cls.auditor).lang = "zh_CN"

    def test_errors_and_labels_in_chinese(self):
        with freeze_time(MONTH_LAST_EVENING), self.assertRaisesRegex(ValidationError, "2026-11 尚未结束"):
            self.env["audit.shortfall.wizard"].with_user(self.hr).with_context(lang="zh_CN").create(
                {"month": MONTH}).action_compute()
        self.commit("seed")
        with freeze_time(AFTER_MONTH), self.assertRaisesRegex(ValidationError, "与 2026-11 的承诺"):
            self.env["audit.sampling.wizard"].with_user(self.auditor).with_context(lang="zh_CN").create(
                {"month": MONTH, "seed": "another"}).action_draw()
        zh_env = self.env(context=dict(self.env.context, lang="zh_CN"))
        kinds = dict(self.env["audit.penalty"]._fields["kind"]._description_selection(zh_env))
        self.assertEqual(kinds, {"shortfall": "电话营销未达标", "falsification": "虚假客户"})
        results = dict(self.env["audit.sample.line"]._fields["result"]._description_selection(zh_env))
        self.assertEqual(results["falsified"], "虚假")
        states = dict(self.env["audit.penalty"]._fields["state"]._description_selection(zh_env))
        self.assertEqual(states["notified"], "已通报")
        self.assertEqual(self.env.ref("audit_penalty.menu_audit_root").with_context(lang="zh_CN").name, "审计")
        self.assertEqual(self.env.ref("audit_penalty.menu_audit_hr").with_context(lang="zh_CN").name, "人事综合部")
        self.assertEqual(self.env.ref("audit_penalty.group_audit_department").with_context(lang="zh_CN").name,
                         "审计：审计部")

    def test_bulletin_and_tiering_audit_in_chinese(self):
        zh_env = self.env(context=dict(self.env.context, lang="zh_CN"))
        kinds = dict(self.env["audit.tiering.finding"]._fields["kind"]._description_selection(zh_env))
        self.assertEqual(kinds, {
            "tier_mismatch": "星级与标准不符", "no_owner": "没有维护负责人", "never_tiered": "从未分级"})
        states = dict(self.env["audit.bulletin"]._fields["state"]._description_selection(zh_env))
        self.assertEqual(states["published"], "已发布")
        self.assertEqual(self.env.ref("audit_penalty.menu_audit_bulletin").with_context(lang="zh_CN").name, "通报")
        self.assertEqual(self.env.ref("audit_penalty.menu_audit_tiering_run").with_context(lang="zh_CN").name,
                         "客户细分审计")
        with freeze_time(AFTER_MONTH):
            self.compute_shortfall()
            Bulletin = self.env["audit.bulletin"].with_user(self.hr).with_context(lang="zh_CN")
            bulletin = Bulletin.create({"period": MONTH})
            bulletin.action_generate()
            self.assertEqual(bulletin.name, "审计通报 2026-11")
            with self.assertRaisesRegex(UserError, "2026-11 尚有草稿处罚"):
                bulletin.action_publish()
