import contextlib
import datetime
import unittest

from freezegun import freeze_time

from odoo.addons.call_tracking.tests.common import CallTrackingCase, bj

from ..models.draw import seed_hash

D = datetime.date
# November 2026, a month without public holidays: branch A's quota applies
# from Tuesday the 24th, branch B's from Monday the 30th.
MONTH = D(2026, 11, 1)
A_START = D(2026, 11, 24)
B_START = D(2026, 11, 30)
# When the tests run the monthly checks: November is over for the bank.
AFTER_MONTH = "2026-12-10 04:00:00"  # UTC: noon in Beijing
# The last day of November, evening in Beijing: the month is not over yet.
MONTH_LAST_EVENING = "2026-11-30 12:00:00"


def evening(day):
    """The UTC moment of 18:00 in Beijing on ``day`` (freeze_time's argument)."""
    return f"{day:%Y-%m-%d} 10:00:00"


class AuditPenaltyCase(CallTrackingCase):
    """call_tracking's small bank with a month of calls:

    * sub-branch A (quota from Nov 24): Nov 23 one call (before the quota);
      Nov 24 seven effective customers (six of A by teller A1, one of outlet
      A1 by its teller) plus an ineffective call and a repeated customer;
      Nov 25 ten effective customers; Nov 26, 27 and 30 no sheet;
    * sub-branch B (quota from Nov 30): Nov 27 one call (before the quota),
      Nov 30 one effective customer.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.branch_a.call_quota_start_date = A_START
        cls.branch_b.call_quota_start_date = B_START
        cls.customers_b = cls.customer_b | cls.env["res.partner"].browse(
            [cls.make_customer(20000, branch=cls.branch_b).id for _i in range(2)]
        )
        a = cls.customers_a
        cls.calls = {}
        cls.log_day(D(2026, 11, 23), [(a[11], 120)])
        cls.log_day(D(2026, 11, 24), [(partner, 90) for partner in a[:6]] + [(a[6], 30), (a[0], 75)],
                    outlet=[(cls.customer_o1, 61)])
        cls.log_day(D(2026, 11, 25), [(partner, 60) for partner in a[:10]])
        cls.log_day(D(2026, 11, 27), [(cls.customers_b[1], 100)], user=cls.teller_b)
        cls.log_day(D(2026, 11, 30), [(cls.customers_b[0], 100), (cls.customers_b[2], 20)], user=cls.teller_b)

    @classmethod
    def log_day(cls, day, calls, user=None, outlet=()):
        with freeze_time(evening(day)):
            logged = cls.env["call.log"]
            for index, (partner, seconds) in enumerate(calls):
                logged |= cls.log_call(partner, bj(day, 9, index), seconds=seconds, user=user)
            for index, (partner, seconds) in enumerate(outlet):
                logged |= cls.log_call(partner, bj(day, 11, index), seconds=seconds, user=cls.teller_o1)
        cls.calls.setdefault(day, cls.env["call.log"])
        cls.calls[day] |= logged
        return logged

    def compute_shortfall(self, month=MONTH, branches=None, user=None):
        with freeze_time(AFTER_MONTH):
            wizard = self.env["audit.shortfall.wizard"].with_user(user or self.hr).create({
                "month": month, "branch_ids": [(6, 0, (branches or self.env["bank.branch"]).ids)],
            })
            wizard.action_compute()
        return self.penalties("shortfall", month)

    def penalties(self, kind, month=MONTH):
        return self.env["audit.penalty"].search([("kind", "=", kind), ("period", "=", month.replace(day=1))])

    def commit(self, seed, month=MONTH, when=MONTH_LAST_EVENING, user=None):
        with freeze_time(when):
            return self.env["audit.seed.commitment"].with_user(user or self.auditor).create({
                "period": month, "seed_hash": seed_hash(seed),
            })

    def draw(self, seed=None, month=MONTH, branches=None, user=None):
        with freeze_time(AFTER_MONTH):
            wizard = self.env["audit.sampling.wizard"].with_user(user or self.auditor).create({
                "month": month, "seed": seed, "branch_ids": [(6, 0, (branches or self.env["bank.branch"]).ids)],
            })
            wizard.action_draw()
        return self.env["audit.sample"].search([("period", "=", month.replace(day=1))])

    def assertRaisesRegex(self, expected_exception, expected_regex, *args, **kwargs):
        """As Odoo's assertRaises: the failed operation is rolled back (a
        savepoint), so that what it wrote before raising does not leak into
        the rest of the test, as a request's transaction would be."""
        if args:
            return super().assertRaisesRegex(expected_exception, expected_regex, *args, **kwargs)
        return self._raises_regex_rolled_back(expected_exception, expected_regex, kwargs.get("msg"))

    @contextlib.contextmanager
    def _raises_regex_rolled_back(self, exception, regex, msg):
        with contextlib.ExitStack() as init:
            init.enter_context(self.env.cr.savepoint())
            with contextlib.ExitStack() as inner:
                context = inner.enter_context(unittest.TestCase.assertRaisesRegex(self, exception, regex, msg=msg))
                inner.push(init.pop_all())
                yield context

    def flush_tracking(self):
        """Tracking values are written when the transaction commits; tests never commit."""
        self.env.flush_all()
        self.env.cr.precommit.run()

    @staticmethod
    def bodies(record):
        return " ".join(record.message_ids.mapped("body"))
