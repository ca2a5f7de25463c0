"""A month's audit in headless Chromium, as the departments do it: HR &
General Affairs computes the previous month's shortfall and confirms it; the
Audit Department draws the audited days, marks two customers of the sampled
day falsified and one verified, confirms, and publishes the bulletin."""
import datetime

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo.tests import HttpCase, tagged

from odoo.addons.call_tracking.tests.common import bj
from odoo.addons.mail.tests.common import mail_new_test_user

# "/web": the client's route in every 18.0 build ("/odoo" is renamed in this development copy)
HOME = "/web"
QUOTA = 3


@tagged("post_install", "-at_install")
class TestAuditPenaltyTour(HttpCase):
    def test_month_audit(self):
        env = self.env(context=dict(self.env.context, no_reset_password=True))
        Branch = env["bank.branch"]
        # the bank's previous month, whatever the day the test runs: the month the wizards propose
        first = Branch._bank_today().replace(day=1) - relativedelta(months=1)
        last = first + relativedelta(months=1, days=-1)
        calendar = env["resource.calendar"].create({"name": "Tour bank calendar", "tz": "Asia/Shanghai"})
        calendar._load_china_holidays(first.year)
        working_days = calendar._bank_working_days(first, last)
        head_office = env.ref("star_tiering.branch_head_office")
        branch = Branch.create({
            "name": "Tour Audit Branch", "code": "TOUR-AP", "parent_id": head_office.id,
            "resource_calendar_id": calendar.id, "call_daily_quota": QUOTA,
        })
        # a sub-branch whose quota started on the month's last working day, without a sheet
        quiet = Branch.create({
            "name": "Tour Quiet Branch", "code": "TOUR-AQ", "parent_id": head_office.id,
            "resource_calendar_id": calendar.id, "call_daily_quota": QUOTA, "call_quota_start_date": working_days[-1],
        })
        # every other sub-branch of the database is left out of the month (no quota before next month)
        (Branch.search([("branch_type", "=", "sub_branch")]) - branch - quiet).write({
            "call_quota_start_date": last + datetime.timedelta(days=1)})

        def user(login, name, role, where):
            return mail_new_test_user(
                env, login=login, name=name, groups="base.group_user", tz="Asia/Shanghai",
                branch_id=where.id, bank_role=role,
            )

        teller = user("tour_ap_teller", "Tour Teller", "teller", branch)
        president = user("tour_ap_president", "Tour President", "branch_president", branch)
        hr = user("tour_ap_hr", "Tour HR", "hr_general_affairs", head_office)
        auditor = user("tour_ap_auditor", "Tour Auditor", "audit", head_office)
        branch.write({"president_id": president.id, "call_designated_user_ids": [(6, 0, teller.ids)]})
        customers = env["res.partner"].create([
            {"name": f"Tour Customer {name}", "customer_number": f"TOUR-AP-{index}", "branch_id": branch.id,
             "aum_daily_avg": 20000, "has_business": True}
            for index, name in enumerate(("Zhao", "Qian", "Sun"))
        ])
        # the month's sheets: the first three working days, each with its three customers called
        sheet_days = working_days[:3]
        for day in sheet_days:
            with freeze_time(f"{day:%Y-%m-%d} 10:00:00"):  # 18:00 in Beijing
                for index, customer in enumerate(customers):
                    env["call.log"].with_user(teller).create({
                        "partner_id": customer.id, "call_start": bj(day, 9, 10 * index),
                        "duration_seconds": 90, "user_id": teller.id,
                    })
        missing = (len(working_days) - len(sheet_days)) * QUOTA

        self.start_tour(HOME, "audit_penalty_hr_tour", login="tour_ap_hr")
        Penalty = env["audit.penalty"]
        shortfall = Penalty.search([("period", "=", first), ("kind", "=", "shortfall")])
        self.assertEqual({(p.branch_id, p.quantity, p.state, p.confirmed_by_id) for p in shortfall},
                         {(branch, missing, "confirmed", hr), (quiet, QUOTA, "confirmed", hr)})

        self.start_tour(HOME, "audit_penalty_audit_tour", login="tour_ap_auditor")
        sample = env["audit.sample"].search([("period", "=", first), ("branch_id", "=", branch.id)])
        self.assertIn(sample.sampled_date, sheet_days)
        self.assertEqual(sample.line_ids.mapped("result"), ["falsified", "falsified", "verified"])
        self.assertEqual((sample.state, sample.confirmed_by_id), ("confirmed", auditor))
        falsification = Penalty.search([("period", "=", first), ("kind", "=", "falsification")])
        self.assertEqual((falsification.branch_id, falsification.quantity, falsification.amount), (branch, 2, 200.0))
        bulletin = env["audit.bulletin"].search([("period", "=", first)])
        self.assertEqual((bulletin.state, bulletin.published_by_id, bulletin.generated_by_id),
                         ("published", auditor, auditor))
        line = bulletin.line_ids.filtered(lambda bulletin_line: bulletin_line.branch_id == branch)
        self.assertEqual((line.rank, line.missing_calls, line.falsified, line.falsification_fine, line.total),
                         (1, missing, 2, 200.0, missing * 50.0 + 200.0))
        self.assertEqual(set((shortfall | falsification).mapped("state")), {"notified"})
        self.assertIn("Tour Audit Branch", branch.message_ids[0].body)
        self.assertTrue(bulletin.xlsx_attachment_id.raw.startswith(b"PK"))

    def test_tiering_audit(self):
        """The Audit Department runs the tiering audit from its menu and opens
        the customers behind a count."""
        env = self.env(context=dict(self.env.context, no_reset_password=True))
        head_office = env.ref("star_tiering.branch_head_office")
        branch = env["bank.branch"].create({"name": "Tour Tiering Branch", "code": "TOUR-AT",
                                            "parent_id": head_office.id})
        mail_new_test_user(env, login="tour_at_auditor", name="Tour Auditor", groups="base.group_user",
                           tz="Asia/Shanghai", branch_id=head_office.id, bank_role="audit")
        env["res.partner"].create([
            {"name": f"Tour Tiering Customer {name}", "customer_number": f"TOUR-AT-{name}", "branch_id": branch.id,
             "aum_daily_avg": 80000, "has_business": True}
            for name in ("Zhou", "Wu")
        ])
        self.start_tour(HOME, "audit_penalty_tiering_tour", login="tour_at_auditor")
        run = env["audit.tiering.run"].search([])
        self.assertEqual((run.never_tiered_count, run.run_by_id.login), (2, "tour_at_auditor"))
