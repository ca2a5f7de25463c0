"""A sub-branch's day in headless Chromium: the teller completes a call to-do
and submits the sheet, the accounting supervisor and then the president sign
it, and the president downloads the XLSX."""
import base64
import datetime
import io

import openpyxl

from odoo.tests import HttpCase, tagged

from odoo.addons.mail.tests.common import mail_new_test_user

# "/web": the client's route in every 18.0 build ("/odoo" is renamed in this development copy)
SHEETS = "/web#action=call_tracking.action_call_sheet"
CUSTOMERS = "/web#action=star_tiering.action_bank_customers"


@tagged("post_install", "-at_install")
class TestCallTrackingTour(HttpCase):
    def test_call_sheet_day(self):
        env = self.env(context=dict(self.env.context, no_reset_password=True))
        # the tour logs a call at the real "now": a calendar where every day is
        # a working day, so that the test passes on a weekend or a holiday too
        every_day = env["resource.calendar"].create({
            "name": "Tour: every day", "tz": "Asia/Shanghai",
            "attendance_ids": [(5, 0, 0)] + [
                (0, 0, {"name": str(day), "dayofweek": str(day), "hour_from": 0, "hour_to": 23.99,
                        "day_period": "morning"})
                for day in range(7)
            ],
        })
        branch = env["bank.branch"].create({
            "name": "Tour Branch", "code": "TOUR-CT",
            "parent_id": env.ref("star_tiering.branch_head_office").id,
            "call_daily_quota": 1, "resource_calendar_id": every_day.id,
        })

        def user(login, name, role):
            return mail_new_test_user(
                env, login=login, name=name, groups="base.group_user", tz="Asia/Shanghai",
                branch_id=branch.id, bank_role=role,
            )

        teller = user("tour_ct_teller", "Tour Teller", "teller")
        supervisor = user("tour_ct_supervisor", "Tour Supervisor", "accounting_supervisor")
        president = user("tour_ct_president", "Tour President", "branch_president")
        branch.write({
            "accounting_supervisor_id": supervisor.id, "president_id": president.id,
            "call_designated_user_ids": [(6, 0, teller.ids)],
        })
        today = env["bank.branch"]._bank_today()
        customer = env["res.partner"].create({
            "name": "Tour Customer Zhao", "customer_number": "TOUR-CT-1", "branch_id": branch.id,
            "mobile": "13800001111", "aum_daily_avg": 20000, "has_business": True,
        })
        # a 2★ customer of the teller's, last contacted half a year ago
        customer.sudo().write({
            "star_tier": "2", "tier_owner_id": teller.id, "last_contact_date": today - datetime.timedelta(days=180),
        })
        todo = customer.activity_schedule(
            "call_tracking.mail_activity_type_phone_marketing", user_id=teller.id,
            summary="Call about the maturing deposit",
        )

        self.start_tour(CUSTOMERS, "call_tracking_teller_tour", login="tour_ct_teller")
        call = env["call.log"].search([("partner_id", "=", customer.id)])
        self.assertEqual(
            (call.user_id, call.duration_seconds, call.is_effective, call.script_id),
            (teller, 75, True, env.ref("call_tracking.script_long_silence_follow_up")),
        )
        self.assertFalse(todo.exists())
        self.assertEqual(customer.last_contact_date, today)
        sheet = call.sheet_id
        self.assertEqual((sheet.branch_id, sheet.date, sheet.state), (branch, today, "submitted"))

        self.start_tour(SHEETS, "call_tracking_supervisor_tour", login="tour_ct_supervisor")
        self.assertEqual((sheet.state, sheet.supervisor_id), ("supervisor_signed", supervisor))

        self.start_tour(SHEETS, "call_tracking_president_tour", login="tour_ct_president")
        self.assertEqual((sheet.state, sheet.president_id), ("president_signed", president))
        download = env["call.sheet.xlsx"].search([("sheet_id", "=", sheet.id)])
        self.assertEqual(download.create_uid, president)
        ws = openpyxl.load_workbook(io.BytesIO(base64.b64decode(download.file))).worksheets[0]
        rows = list(ws.iter_rows(values_only=True))
        call_row = next(row for row in rows if row[3] == "Tour Customer Zhao")
        # the president does not own the customer: the phone is masked
        self.assertEqual(call_row[4:10], (
            "138****1111", 75, "Yes", "Deposit matures on the 25th", "115-day wealth product", "Tour Teller",
        ))
        signatures = {row[0]: row[2] for row in rows if row[0] in ("Accounting Supervisor", "Branch President")}
        self.assertEqual(signatures, {"Accounting Supervisor": "Tour Supervisor", "Branch President": "Tour President"})
