"""China's public holidays and make-up working days (调休) in the bank's
calendars, for the working days of the call quota: loaded at install for the
bank's current and next year, then every year for the next one."""
import logging

from markupsafe import Markup

from odoo import api, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    @api.model
    def _call_tracking_calendars(self):
        """The bank's calendars: every branch's and every company's."""
        # pylint: disable=no-search-all  # every branch and company on purpose (a few dozen records)
        branches = self.env["bank.branch"].sudo().with_context(active_test=False).search([])
        companies = self.env["res.company"].sudo().search([])
        return (branches.resource_calendar_id | companies.resource_calendar_id).sudo()

    @api.model
    def _china_schedule_known(self, year):
        """Does the `holidays` package have the State Council's schedule of
        ``year`` (its make-up working days), not only the statutory dates?"""
        try:
            import holidays
        except ImportError:
            return False
        return any(day.year == year for day in getattr(holidays.China(years=year), "weekend_workdays", ()))

    @api.model
    def _call_tracking_load_holidays(self, years):
        """Load ``years`` into the bank's calendars. A year the package does
        not know (or knows only partly) is reported to the administrators, not
        raised: an install or a scheduled run never fails for it, and a year
        loaded by hand keeps its corrections (the loader keeps existing days).
        Returns the list of problems reported."""
        calendars = self._call_tracking_calendars()
        problems = []
        for year in years:
            try:
                with self.env.cr.savepoint():
                    calendars._load_china_holidays(year)
            except UserError as error:
                problems.append(self.env._(
                    "%(year)s: not loaded (%(error)s). Enter the year's public holidays and make-up working "
                    "days by hand once the State Council publishes them.",
                    year=year, error=error.args[0],
                ))
                continue
            if not self._china_schedule_known(year):
                problems.append(self.env._(
                    "%(year)s: only the statutory holidays were loaded; the 'holidays' package does not have the "
                    "State Council's schedule yet (substituted days off, make-up working days). Check the "
                    "calendars by hand once it is published, or load the year again after updating the package.",
                    year=year,
                ))
        if problems:
            self._call_tracking_report_holidays(problems)
        return problems

    @api.model
    def _cron_load_next_year_holidays(self):
        """Yearly: the bank's next year into every calendar."""
        year = self.env["bank.branch"]._bank_today().year + 1
        return self._call_tracking_load_holidays([year])

    @api.model
    def _call_tracking_report_holidays(self, problems):
        """A note on head office's branch, in the inbox of the bank's
        administrators (the administrator and the users in the administrator
        role)."""
        for problem in problems:
            _logger.warning("China's public holidays: %s", problem)
        head_office = self.env.ref("star_tiering.branch_head_office", raise_if_not_found=False)
        if not head_office:
            return
        head_office = head_office.sudo()
        admin = self.env.ref("base.user_admin", raise_if_not_found=False)
        admins = self.env["res.users"].sudo().search([("bank_role", "=", "administrator")])
        if admin and admin.active:
            admins |= admin
        body = Markup("<p>%s</p><ul>%s</ul>") % (
            self.env._("China's public holidays for the bank's working days:"),
            Markup().join(Markup("<li>%s</li>") % problem for problem in problems),
        )
        head_office.message_post(body=body, partner_ids=admins.partner_id.ids, subtype_xmlid="mail.mt_note")
