import datetime

from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import StarTieringCase

D = datetime.date


@tagged("post_install", "-at_install")
class TestWorkingDays(StarTieringCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.env["resource.calendar"].create({"name": "Bank calendar", "tz": "Asia/Shanghai"})
        cls.branch_a.resource_calendar_id = cls.calendar
        wizard = Form(cls.env["bank.holiday.load"].with_user(cls.head_office_user))
        wizard.year = 2026
        wizard.calendar_ids.clear()
        wizard.calendar_ids.add(cls.calendar)
        wizard.save().action_load()

    def test_china_2026(self):
        branch = self.branch_a
        self.assertTrue(branch._is_working_day(D(2026, 10, 9)))       # Friday
        self.assertFalse(branch._is_working_day(D(2026, 10, 1)))      # National Day
        self.assertTrue(branch._is_working_day(D(2026, 10, 10)))      # make-up Saturday
        self.assertTrue(branch._is_working_day(D(2026, 2, 14)))       # make-up Saturday
        self.assertFalse(branch._is_working_day(D(2026, 2, 17)))      # Spring Festival
        self.assertFalse(branch._is_working_day(D(2026, 11, 22)))     # ordinary Sunday
        self.assertTrue(branch._is_working_day(D(2026, 11, 23)))      # ordinary Monday
        october = branch._working_days(D(2026, 10, 1), D(2026, 10, 31))
        self.assertNotIn(D(2026, 10, 7), october)
        self.assertIn(D(2026, 10, 10), october)

    def test_reload_keeps_hand_corrections(self):
        makeup = self.calendar.makeup_workday_ids
        self.assertIn(D(2026, 10, 10), makeup.mapped("date"))
        # an administrator corrects a day by hand; reloading neither duplicates nor reverts it
        makeup.filtered(lambda d: d.date == D(2026, 10, 10)).unlink()
        leaves = self.env["resource.calendar.leaves"].search_count([("calendar_id", "=", self.calendar.id)])
        self.calendar._load_china_holidays(2026)
        self.assertEqual(
            self.env["resource.calendar.leaves"].search_count([("calendar_id", "=", self.calendar.id)]), leaves
        )
        self.assertIn(D(2026, 10, 10), self.calendar.makeup_workday_ids.mapped("date"))

    def test_only_head_office_loads_holidays(self):
        with self.assertRaises(AccessError):
            self.env["bank.holiday.load"].with_user(self.president_a).create({"year": 2026})
