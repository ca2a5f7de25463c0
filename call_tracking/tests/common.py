import datetime

import pytz

from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.addons.star_tiering.tests.common import StarTieringCase

D = datetime.date
BANK_TZ = pytz.timezone("Asia/Shanghai")
# A plain working day (Tuesday) of 2026, and the evening of it in Beijing: the
# tests that need "now" on a working day freeze the clock there.
WORKDAY = D(2026, 11, 24)
WORKDAY_EVENING = "2026-11-24 10:00:00"  # UTC: 18:00 in Beijing


def bj(day, hour=10, minute=0, second=0):
    """The UTC datetime (naive, as Odoo stores it) of ``hour:minute`` on ``day`` in Beijing."""
    local = BANK_TZ.localize(datetime.datetime.combine(day, datetime.time(hour, minute, second)))
    return local.astimezone(pytz.utc).replace(tzinfo=None)


class CallTrackingCase(StarTieringCase):
    """star_tiering's small bank (head office → sub-branch A with outlet A1,
    sub-branch B) plus the accounting supervisors, designated callers, a
    business calendar with China's 2026 holidays and customers to call."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()

        def user(login, role, branch):
            return mail_new_test_user(
                cls.env, login=login, name=login.replace("_", " ").title(),
                groups="base.group_user", branch_id=branch.id, bank_role=role,
            )

        cls.supervisor_a = user("supervisor_a", "accounting_supervisor", cls.branch_a)
        cls.supervisor_b = user("supervisor_b", "accounting_supervisor", cls.branch_b)
        cls.hr = user("hr_ga", "hr_general_affairs", cls.head_office)
        cls.admin = cls.env.ref("base.user_admin")
        cls.branch_a.accounting_supervisor_id = cls.supervisor_a
        cls.branch_b.accounting_supervisor_id = cls.supervisor_b
        cls.branch_a.call_designated_user_ids = cls.teller_a1
        cls.branch_b.call_designated_user_ids = cls.teller_b

        # the bank's business calendar, independent of the year the database was installed in
        cls.calendar = cls.env["resource.calendar"].create({"name": "Bank calendar (tests)", "tz": "Asia/Shanghai"})
        cls.calendar._load_china_holidays(2026)
        (cls.branch_a | cls.outlet_a1 | cls.branch_b).resource_calendar_id = cls.calendar

        cls.customers_a = cls.env["res.partner"].browse([cls.make_customer(20000).id for _i in range(12)])
        cls.customer_o1 = cls.make_customer(20000, branch=cls.outlet_a1)
        cls.customer_b = cls.make_customer(20000, branch=cls.branch_b)

    @classmethod
    def log_call(cls, partner, start, seconds=90, user=None, caller=None, **values):
        """Log a call as ``user`` (teller A1 by default), by ``caller`` (the user by default)."""
        user = user or cls.teller_a1
        vals = {
            "partner_id": partner.id,
            "call_start": start,
            "duration_seconds": seconds,
            "user_id": (caller or user).id,
        }
        vals.update(values)
        return cls.env["call.log"].with_user(user).create(vals)

    def sheet_of(self, branch, day):
        return self.env["call.sheet"].search([("branch_id", "=", branch.id), ("date", "=", day)])

    def submit_and_sign(self, sheet, president=True):
        """Submit (with a reason when short) and sign as the branch's officers."""
        if sheet.shortfall and not sheet.shortfall_reason:
            sheet.with_user(self.teller_a1).shortfall_reason = "Customers unreachable"
        sheet.with_user(self.teller_a1).action_submit()
        sheet.with_user(sheet.branch_id.accounting_supervisor_id).action_sign_supervisor()
        if president:
            sheet.with_user(sheet.branch_id.president_id).action_sign_president()
        return sheet
