"""The script library (话术): which scripts fit a customer today, at the
boundaries of each rule, and who edits them."""
import datetime

import psycopg2.errors
from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import WORKDAY, WORKDAY_EVENING, CallTrackingCase, bj

DAY = datetime.timedelta(days=1)


@tagged("post_install", "-at_install")
class TestCallScript(CallTrackingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Script = cls.env["call.script"]
        # only our own scripts: the seeded library is checked on its own
        cls.Script.search([]).action_archive()

        def script(name, situation, min_tier=False, max_tier=False, sequence=10):
            return cls.Script.create({
                "name": name, "situation": situation, "body": f"{name}: the words to say.",
                "min_tier": min_tier, "max_tier": max_tier, "sequence": sequence,
            })

        cls.s_maturity = script("Maturing", "maturity")
        cls.s_appointment = script("Appointment", "appointment")
        cls.s_appointment_vip = script("Visit", "appointment", min_tier="4")
        cls.s_new_product = script("New card", "new_product")
        cls.s_upgrade = script("Gold card", "vip_upgrade", min_tier="4", max_tier="5")
        cls.s_care = script("Care", "care", max_tier="3")
        cls.s_care_vip = script("Gift", "care", min_tier="4", sequence=5)
        cls.s_silence = script("Long time", "long_silence")

    def customer(self, tier="2", last_contact=WORKDAY - DAY):
        partner = self.make_customer(20000)
        partner.sudo().write({"star_tier": tier, "last_contact_date": last_contact})
        return partner

    def history(self, partner, days_ago, old, new, reason="nightly"):
        return self.env["star.tier.history"].sudo().create({
            "partner_id": partner.id, "date": WORKDAY - days_ago * DAY,
            "old_tier": old, "new_tier": new, "reason": reason,
        })

    def suggested(self, partner):
        return self.Script._suggest_for_partner(partner)

    @freeze_time(WORKDAY_EVENING)
    def test_appointment_and_care_always_in_the_customers_tiers(self):
        # contacted yesterday, 2★, no history: the scripts for any customer, not the 4★+ ones
        self.assertEqual(self.suggested(self.customer("2")), self.s_appointment | self.s_care)
        # 4★: the VIP appointment and care replace the ≤3★ care, sequence within the situation
        self.assertEqual(
            self.suggested(self.customer("4")).ids,
            [self.s_appointment.id, self.s_appointment_vip.id, self.s_care_vip.id],
        )
        # new-product information is in the library, never pushed; a partner outside the bank gets nothing
        self.assertFalse(self.suggested(self.env["res.partner"].create({"name": "Not a customer"})))
        # an archived script is not offered
        self.s_care.action_archive()
        self.assertEqual(self.suggested(self.customer("2")), self.s_appointment)

    @freeze_time(WORKDAY_EVENING)
    def test_long_silence_from_the_91st_day(self):
        for days, expected in ((90, False), (91, True)):
            partner = self.customer("2", last_contact=WORKDAY - days * DAY)
            self.assertEqual(self.s_silence in self.suggested(partner), expected, days)
        never = self.customer("2", last_contact=False)
        self.assertEqual(self.suggested(never)[:1], self.s_silence)

    @freeze_time(WORKDAY_EVENING)
    def test_vip_upgrade_within_30_days_of_reaching_4_or_5_stars(self):
        cases = [
            # (days ago, old tier, new tier, offered)
            (30, "3", "4", True),
            (31, "3", "4", False),
            (0, "4", "5", True),
            (0, "0", "4", True),  # tiered 4★ at go-live: VIP level reached
            (0, "2", "3", False),  # up, but not to VIP level
            (0, "5", "4", False),  # down to 4★
        ]
        for days, old, new, offered in cases:
            partner = self.customer(new)
            self.history(partner, days, old, new)
            self.assertEqual(self.s_upgrade in self.suggested(partner), offered, (days, old, new))

    @freeze_time(WORKDAY_EVENING)
    def test_vip_upgrade_follows_the_last_change_of_tier(self):
        partner = self.customer("4")
        self.history(partner, 10, "3", "4")
        # a later owner reassignment changes no tier: the upgrade still stands
        self.history(partner, 2, "4", "4", reason="reassigned")
        self.assertEqual(self.suggested(partner)[:1], self.s_upgrade)
        # a later downgrade cancels it, even if that is a drop to 4★
        upgraded = self.customer("5")
        self.history(upgraded, 10, "4", "5")
        self.history(upgraded, 3, "5", "4")
        self.assertNotIn(self.s_upgrade, self.suggested(upgraded))

    def holding(self, partner, product_type, maturity, amount=50000):
        """A holding as the feed writes it (nobody writes one through the ORM)."""
        return self.env["call.product.holding"].sudo().create({
            "partner_id": partner.id, "product_type": product_type, "amount": amount,
            "maturity_date": maturity, "as_of_date": WORKDAY - DAY,
        })

    @freeze_time(WORKDAY_EVENING)
    def test_maturity_comes_with_the_holdings(self):
        partner = self.customer("2", last_contact=False)
        # no holdings: no product is maturing
        self.assertNotIn(self.s_maturity, self.suggested(partner))
        # a current account never matures; a time deposit maturing within 30 days does
        self.holding(partner, "current_account", False)
        self.assertNotIn(self.s_maturity, self.suggested(partner))
        self.holding(partner, "time_deposit", WORKDAY + 30 * DAY)
        self.assertEqual(
            self.suggested(partner).ids,
            [self.s_maturity.id, self.s_silence.id, self.s_appointment.id, self.s_care.id],
        )
        # the teller of the customer's branch sees it on the customer form too
        partner.invalidate_recordset()
        self.assertIn(self.s_maturity, partner.with_user(self.teller_a1).call_script_ids)

    def test_maturing_product_boundaries(self):
        partner = self.make_customer(20000)
        for product_type in ("time_deposit", "wealth"):
            for offset, maturing in ((-1, False), (0, True), (30, True), (31, False)):
                holding = self.holding(partner, product_type, WORKDAY + offset * DAY)
                self.assertEqual(
                    partner._call_has_maturing_product(WORKDAY, 30), maturing, (product_type, offset),
                )
                holding.unlink()
        # another customer's deposit is not this one's
        self.holding(self.make_customer(20000), "time_deposit", WORKDAY)
        self.assertFalse(partner._call_has_maturing_product(WORKDAY, 30))
        # a customer being registered has none
        new = self.env["res.partner"].new({"name": "Walk-in", "branch_id": self.branch_a.id})
        self.assertFalse(new._call_has_maturing_product(WORKDAY, 30))

    @freeze_time(WORKDAY_EVENING)
    def test_customer_being_registered(self):
        # the customer form computes the scripts before the customer is saved
        new = self.env["res.partner"].with_user(self.teller_a1).new({"name": "Walk-in", "branch_id": self.branch_a.id})
        self.assertEqual(new.call_script_ids._origin, self.s_silence | self.s_appointment | self.s_care)
        # and on the copy of a customer being edited
        upgraded = self.customer("4")
        self.history(upgraded, 1, "3", "4")
        edited = upgraded.with_user(self.teller_a1).new({"comment": "Edited"}, origin=upgraded)
        self.assertIn(self.s_upgrade, edited.call_script_ids._origin)

    def test_tier_range(self):
        self.assertEqual(
            [s.tier_range for s in (self.s_appointment, self.s_upgrade, self.s_care, self.s_care_vip)],
            ["All tiers", "4★–5★", "1★–3★", "4★–5★"],
        )
        with self.assertRaises(ValidationError):
            self.s_care.min_tier = "4"
        not_tiered = self.customer("0")
        self.assertTrue(self.s_care._suits_tier(not_tiered.star_tier))
        self.assertFalse(self.s_care_vip._suits_tier(not_tiered.star_tier))

    @freeze_time(WORKDAY_EVENING)
    def test_call_form_offers_and_records_the_script(self):
        partner = self.customer("2", last_contact=WORKDAY - 100 * DAY)
        with Form(self.env["call.log"].with_user(self.teller_a1)) as form:
            form.partner_id = partner
            self.assertEqual(
                form.suggested_script_ids.ids, [self.s_silence.id, self.s_appointment.id, self.s_care.id],
            )
            form.call_start = bj(WORKDAY, 9)
            form.duration_seconds = 75
            form.script_id = self.s_silence
        call = form.record
        self.assertEqual(call.script_id, self.s_silence)
        # the customer form shows the scripts of today: the effective call ended the silence
        self.assertEqual(partner.last_contact_date, WORKDAY)
        partner.invalidate_recordset()
        self.assertEqual(partner.with_user(self.teller_a1).call_script_ids, self.s_appointment | self.s_care)
        # a script used in a call is archived, not deleted
        with self.assertRaises(psycopg2.errors.ForeignKeyViolation), mute_logger("odoo.sql_db"):
            with self.env.cr.savepoint():
                self.s_silence.unlink()

    def test_staff_read_managers_edit(self):
        self.assertTrue(self.s_care.with_user(self.teller_a1).body)
        with self.assertRaises(AccessError):
            self.s_care.with_user(self.teller_a1).write({"body": "changed"})
        with self.assertRaises(AccessError):
            self.Script.with_user(self.auditor).create({"name": "x", "situation": "care", "body": "x"})
        self.s_care.with_user(self.president_a).write({"body": "Take care of yourself."})
        self.Script.with_user(self.president_a).create({"name": "New", "situation": "care", "body": "Hello"})
        self.assertEqual(self.s_care.body, "Take care of yourself.")


@tagged("post_install", "-at_install")
class TestSeededScripts(CallTrackingCase):
    def test_handbook_scripts_in_english_and_chinese(self):
        scripts = self.env["call.script"].search([])
        self.assertEqual(
            set(scripts.mapped("situation")),
            {"maturity", "appointment", "new_product", "vip_upgrade", "care", "long_silence"},
        )
        gold = self.env.ref("call_tracking.script_vip_upgrade_gold_card")
        self.assertEqual((gold.min_tier, gold.max_tier), ("4", False))
        self.assertIn("gold card", gold.body)
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["call_tracking"], ["zh_CN"], overwrite=True)
        gold_zh = gold.with_context(lang="zh_CN")
        self.assertEqual(gold_zh.name, "升级金卡")
        self.assertIn("可以升级成为金卡客户", gold_zh.body)
        # every seeded script has its Chinese wording
        for script in scripts.with_context(lang="zh_CN"):
            self.assertRegex(script.body, "[\u4e00-\u9fff]", script.name)
