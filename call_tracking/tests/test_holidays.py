"""China's holidays in the bank's calendars: loaded at install for the bank's
current and next year, yearly afterwards; a year the `holidays` package does
not know is reported to the administrators instead of failing."""
import datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import CallTrackingCase


@tagged("post_install", "-at_install")
class TestHolidays(CallTrackingCase):
    def leave_days(self, calendar, year):
        leaves = self.env["resource.calendar.leaves"].search([
            ("calendar_id", "=", calendar.id), ("resource_id", "=", False),
            # a Beijing day ends at 15:59 UTC of the same date
            ("date_to", ">=", datetime.datetime(year, 1, 1)), ("date_to", "<", datetime.datetime(year + 1, 1, 1)),
        ])
        return leaves

    def notes(self):
        return self.env["mail.message"].search([
            ("model", "=", "bank.branch"), ("res_id", "=", self.head_office.id),
            ("body", "ilike", "public holidays"),
        ])

    def test_install_loaded_this_year_and_next(self):
        # the post-init hook ran in the install year, into the company's calendar
        calendar = self.env.company.resource_calendar_id
        install_year = self.env.ref("call_tracking.ir_cron_open_call_sheets").create_date.year
        leaves = self.env["resource.calendar.leaves"].search(
            [("calendar_id", "=", calendar.id), ("resource_id", "=", False)])
        years = {leave.date_to.year for leave in leaves}
        self.assertIn(install_year, years)
        self.assertIn(install_year + 1, years)

    def test_yearly_action_loads_next_year(self):
        calendar = self.env["resource.calendar"].create({"name": "Sub-branch C calendar", "tz": "Asia/Shanghai"})
        self.branch_b.resource_calendar_id = calendar
        with freeze_time("2026-12-20 02:00:00"), patch.object(
            type(self.env["resource.calendar"]), "_china_schedule_known", return_value=True,
        ):
            problems = self.env["resource.calendar"]._cron_load_next_year_holidays()
        self.assertEqual(problems, [])
        self.assertTrue(self.leave_days(calendar, 2027))
        self.assertFalse(self.leave_days(calendar, 2026), "only the next year")
        # the New Year's Day of 2027 is no working day there any more
        self.assertFalse(self.branch_b._is_working_day(datetime.date(2027, 1, 1)))

    def test_unknown_year_is_reported_not_raised(self):
        before = self.notes()
        with freeze_time("2099-12-20 02:00:00"), patch.object(
            type(self.env["resource.calendar"]), "_load_china_holidays",
            side_effect=UserError("The 'holidays' package knows no Chinese holiday for 2100."),
        ):
            problems = self.env["resource.calendar"]._cron_load_next_year_holidays()
        self.assertEqual(len(problems), 1)
        self.assertIn("2100", problems[0])
        note = self.notes() - before
        self.assertEqual(len(note), 1)
        self.assertIn("2100", note.body)
        self.assertIn(self.admin.partner_id, note.notified_partner_ids | note.partner_ids)

    def test_partly_known_year_is_reported(self):
        calendar = self.env["resource.calendar"].create({"name": "Sub-branch D calendar", "tz": "Asia/Shanghai"})
        self.branch_b.resource_calendar_id = calendar
        before = self.notes()
        with patch.object(type(self.env["resource.calendar"]), "_china_schedule_known", return_value=False):
            problems = self.env["resource.calendar"]._call_tracking_load_holidays([2027])
        self.assertEqual(len(problems), 1)
        self.assertTrue(self.leave_days(calendar, 2027), "the statutory holidays are loaded all the same")
        self.assertEqual(len(self.notes() - before), 1)

    def test_schedule_known_for_2026(self):
        self.assertTrue(self.env["resource.calendar"]._china_schedule_known(2026))

    def test_sheets_open_at_the_bank_s_midnight(self):
        with freeze_time("2026-11-30 17:00:00"):  # 01:00 Beijing, 1 December
            self.env["call.sheet"]._call_tracking_schedule_crons()
        # 00:05 Beijing on 2 December
        self.assertEqual(self.env.ref("call_tracking.ir_cron_open_call_sheets").nextcall,
                         datetime.datetime(2026, 12, 1, 16, 5))
