"""The bank's business calendar (DOMAIN.md, "Working days"): Monday–Friday of the
branch's resource calendar, minus its public-holiday leaves, plus the make-up
working weekends (调休) the State Council announces each year."""
import datetime

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    makeup_workday_ids = fields.One2many(
        "resource.calendar.makeup.day", "calendar_id", string="Make-up Working Days",
        help="Weekend days announced as working days (调休).",
    )

    def _bank_working_days(self, date_from, date_to):
        """The working days between two dates (both included), as a sorted list."""
        self.ensure_one()
        weekdays = {int(day) for day in self.attendance_ids.mapped("dayofweek")}
        makeup = {d.date for d in self.makeup_workday_ids if date_from <= d.date <= date_to}
        tz = pytz.timezone(self.tz or "UTC")

        def utc(day):
            local = tz.localize(datetime.datetime.combine(day, datetime.time.min))
            return local.astimezone(pytz.utc).replace(tzinfo=None)

        leaves = self.env["resource.calendar.leaves"].sudo().search_fetch([
            ("calendar_id", "=", self.id),
            ("resource_id", "=", False),
            ("date_from", "<", utc(date_to + datetime.timedelta(days=1))),
            ("date_to", ">", utc(date_from)),
        ], ["date_from", "date_to"])
        days = []
        day = date_from
        while day <= date_to:
            start, end = utc(day), utc(day + datetime.timedelta(days=1))
            # a day off is a day mostly covered by a company-wide leave
            off = any(
                (min(end, leave.date_to) - max(start, leave.date_from)).total_seconds() > 12 * 3600
                for leave in leaves
            )
            if not off and (day.weekday() in weekdays or day in makeup):
                days.append(day)
            day += datetime.timedelta(days=1)
        return days

    def _load_china_holidays(self, year):
        """Public holidays and substituted days off as leaves, make-up working
        weekends as make-up days, for ``year``, from the `holidays` package.
        Existing entries are kept, so a hand correction survives a reload."""
        try:
            import holidays
        except ImportError as error:
            raise UserError(self.env._("The Python package 'holidays' is not installed.")) from error
        calendar_days = holidays.China(years=year)
        makeup_days = sorted(d for d in getattr(calendar_days, "weekend_workdays", set()) if d.year == year)
        if not calendar_days:
            raise UserError(self.env._("The 'holidays' package knows no Chinese holiday for %s.", year))
        Leave = self.env["resource.calendar.leaves"]
        for calendar in self:
            tz = pytz.timezone(calendar.tz or "UTC")
            existing = {
                (leave.date_from, leave.date_to)
                for leave in Leave.search([("calendar_id", "=", calendar.id), ("resource_id", "=", False)])
            }
            vals_list = []
            for day, name in sorted(calendar_days.items()):
                start = tz.localize(datetime.datetime.combine(day, datetime.time.min)).astimezone(pytz.utc)
                end = tz.localize(datetime.datetime.combine(day, datetime.time.max)).astimezone(pytz.utc)
                start, end = start.replace(tzinfo=None, microsecond=0), end.replace(tzinfo=None, microsecond=0)
                if (start, end) not in existing:
                    vals_list.append({
                        "name": name, "calendar_id": calendar.id, "company_id": calendar.company_id.id,
                        "date_from": start, "date_to": end, "time_type": "leave",
                    })
            Leave.create(vals_list)
            known = set(calendar.makeup_workday_ids.mapped("date"))
            self.env["resource.calendar.makeup.day"].create([
                {"calendar_id": calendar.id, "date": day, "name": self.env._("Make-up working day")}
                for day in makeup_days if day not in known
            ])
        return True


class ResourceCalendarMakeupDay(models.Model):
    _name = "resource.calendar.makeup.day"
    _description = "Make-up Working Day"
    _order = "date"

    calendar_id = fields.Many2one("resource.calendar", required=True, index=True, ondelete="cascade")
    date = fields.Date(required=True)
    name = fields.Char(string="Reason")

    _sql_constraints = [
        ("calendar_date_uniq", "unique(calendar_id, date)", "A make-up working day is listed once per calendar."),
    ]


# The holiday loader (the form of _load_china_holidays above) stays in this
# file: OCA's layout would put it in wizard/, which would also move its
# message's source reference in the i18n files.
class BankHolidayLoad(models.TransientModel):  # pylint: disable=no-wizard-in-models
    _name = "bank.holiday.load"
    _description = "Load China's Public Holidays"

    year = fields.Integer(required=True, default=lambda self: self.env["bank.branch"]._bank_today().year)
    calendar_ids = fields.Many2many(
        "resource.calendar", string="Calendars", required=True,
        default=lambda self: self.env["bank.branch"].search([]).resource_calendar_id,
    )

    @api.constrains("year")
    def _check_year(self):
        for wizard in self:
            if not 2000 <= wizard.year <= 2100:
                raise UserError(self.env._("Choose a year between 2000 and 2100."))

    def action_load(self):
        self.ensure_one()
        self.calendar_ids._load_china_holidays(self.year)
        return {"type": "ir.actions.act_window_close"}
