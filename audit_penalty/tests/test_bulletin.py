"""The monthly bulletin (通报): per sub-branch the shortfall and falsification
fines, totals and ranking; published once, when both checks of the month are
final, bank-wide, with one post per sub-branch, the XLSX and the penalties
notified; as published it stays."""
import datetime
import io

import openpyxl
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from ..models import draw
from ..models.audit_bulletin import rank_totals
from ..report.audit_bulletin_xlsx import HEADER_ROW
from .common import AFTER_MONTH, MONTH, MONTH_LAST_EVENING, AuditPenaltyCase, D

# Branch A's audited day: ten effective customers, two of them found falsified.
SAMPLED_A = D(2026, 11, 25)


@tagged("post_install", "-at_install")
class TestBulletin(AuditPenaltyCase):
    """November 2026: sub-branch A is 3 calls short (its 24th) and has two
    customers falsified on its audited 25th: 3 × 50 + 2 × 100 = 350; B is 9
    calls short (its 30th), all verified: 450; C's quota starts in December:
    nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.name = "Example Rural Commercial Bank"
        for day in (D(2026, 11, 26), D(2026, 11, 27), D(2026, 11, 30)):
            cls.log_day(day, [(partner, 90) for partner in cls.customers_a[:10]])
        cls.branch_c = cls.env["bank.branch"].create({
            "name": "Branch C", "code": "T-C", "parent_id": cls.head_office.id,
            "resource_calendar_id": cls.calendar.id, "call_quota_start_date": D(2026, 12, 1),
        })
        with freeze_time(AFTER_MONTH):
            shortfall = cls.env["audit.penalty"].with_user(cls.hr)._compute_shortfall_penalties(MONTH)
        cls.shortfall = shortfall.with_env(cls.env)
        population = [D(2026, 11, day) for day in (23, 24, 25, 26, 27, 30)]
        seed = next(f"b{n}" for n in range(500) if draw.draw_day(f"b{n}", "T-A", MONTH, population) == SAMPLED_A)
        with freeze_time(MONTH_LAST_EVENING):
            cls.env["audit.seed.commitment"].with_user(cls.auditor).create({
                "period": MONTH, "seed_hash": draw.seed_hash(seed)})
        with freeze_time(AFTER_MONTH):
            cls.env["audit.sampling.wizard"].with_user(cls.auditor).create({"month": MONTH, "seed": seed}).action_draw()
        cls.samples = cls.env["audit.sample"].search([("period", "=", MONTH)])
        cls.sample_a = cls.samples.filtered(lambda sample: sample.branch_id == cls.branch_a)
        cls.sample_b = cls.samples - cls.sample_a
        lines = cls.sample_a.line_ids
        lines.with_user(cls.auditor).result = "verified"
        lines[:2].with_user(cls.auditor).result = "falsified"
        lines[2].with_user(cls.auditor).result = "unreachable"
        cls.sample_b.line_ids.with_user(cls.auditor).result = "verified"

    def confirm_month(self):
        self.shortfall.with_user(self.hr).action_confirm()
        self.samples.with_user(self.auditor).action_confirm()

    def prepare(self, user=None):
        with freeze_time(AFTER_MONTH):
            bulletin = self.env["audit.bulletin"].with_user(user or self.hr).create({"period": D(2026, 11, 17)})
            bulletin.action_generate()
        return bulletin

    def publish(self, bulletin, user=None):
        with freeze_time(AFTER_MONTH):
            bulletin.with_user(user or self.auditor).action_publish()

    def lines(self, bulletin):
        return {line.branch_id: line for line in bulletin.line_ids}

    def test_figures_ranking_and_totals(self):
        self.confirm_month()
        bulletin = self.prepare()
        self.assertEqual((bulletin.period, bulletin.name, bulletin.state), (MONTH, "Audit Bulletin 2026-11", "draft"))
        self.assertEqual(bulletin.line_ids.branch_id.mapped("code"), ["T-B", "T-A", "T-C"], "ranked")
        line_a = self.lines(bulletin)[self.branch_a]
        self.assertRecordValues(line_a, [{
            "rank": 2, "branch_code": "T-A", "branch_name": "Branch A",
            "shortfall_days": 1, "missing_calls": 3, "shortfall_fine": 150.0,
            "sampled_date": SAMPLED_A, "verified": 7, "falsified": 2, "unreachable": 1,
            "falsification_fine": 200.0, "total": 350.0, "remarks": "",
        }])
        line_b = self.lines(bulletin)[self.branch_b]
        self.assertRecordValues(line_b, [{
            "rank": 1, "missing_calls": 9, "shortfall_fine": 450.0, "falsified": 0, "falsification_fine": 0.0,
            "total": 450.0,
        }])
        self.assertIn(line_b.sampled_date, (D(2026, 11, 27), D(2026, 11, 30)))
        self.assertRecordValues(self.lines(bulletin)[self.branch_c], [{
            "rank": 3, "missing_calls": 0, "sampled_date": False, "total": 0.0,
        }])
        self.assertRecordValues(bulletin, [{
            "branch_count": 3, "fined_branch_count": 2, "shortfall_days": 2, "missing_calls": 12,
            "shortfall_fine": 600.0, "verified": 7 + len(self.sample_b.line_ids), "falsified": 2, "unreachable": 1,
            "falsification_fine": 200.0, "total": 800.0, "generated_by_id": self.hr.id,
        }])
        self.assertEqual(bulletin.currency_id, self.env.ref("base.CNY"))
        # prepared again (a late confirmation, say): replaced, not duplicated
        with freeze_time(AFTER_MONTH):
            bulletin.with_user(self.auditor).action_generate()
        self.assertEqual(len(bulletin.line_ids), 3)
        self.assertEqual(bulletin.generated_by_id, self.auditor)

    def test_ties_share_a_rank(self):
        self.assertEqual(rank_totals({"a": 5.0, "b": 3.0, "c": 3.0, "d": 1.0, "e": 0.0, "f": 0.0}),
                         {"a": 1, "b": 2, "c": 2, "d": 4, "e": 5, "f": 5})
        self.assertEqual(rank_totals({}), {})
        self.confirm_month()
        # head office cancels B's fine on contest: B and C are level at nothing
        penalty_b = self.shortfall.filtered(lambda penalty: penalty.branch_id == self.branch_b)
        penalty_b.with_user(self.president_b).action_contest("The line was cut on the 30th")
        penalty_b.with_user(self.head_office_user).action_contest_cancel("Confirmed by the operator")
        bulletin = self.prepare()
        self.assertEqual([(line.branch_code, line.rank, line.total) for line in bulletin.line_ids],
                         [("T-A", 1, 350.0), ("T-B", 2, 0.0), ("T-C", 2, 0.0)])
        self.assertEqual(self.lines(bulletin)[self.branch_b].remarks,
                         "Shortfall fine cancelled on contest: nothing due")
        self.assertEqual(bulletin.fined_branch_count, 1)

    def test_publishing(self):
        self.confirm_month()
        bulletin = self.prepare()
        draft_xlsx = bulletin.xlsx_attachment_id
        self.president_a.notification_type = "inbox"
        messages_before = {branch: len(branch.message_ids) for branch in self.branch_a | self.branch_b | self.branch_c}
        self.publish(bulletin)
        self.assertRecordValues(bulletin, [{"state": "published", "published_by_id": self.auditor.id}])
        self.assertFalse(draft_xlsx.exists(), "the draft's XLSX is replaced by the published one")
        self.assertEqual(set(self.penalties("shortfall").mapped("state")), {"notified"})
        self.assertEqual(self.penalties("falsification").state, "notified")
        # one post per sub-branch: its own line, its rank and the bank's totals
        for branch in self.branch_a | self.branch_b | self.branch_c:
            self.assertEqual(len(branch.message_ids) - messages_before[branch], 1, branch.code)
        post_a = self.branch_a.message_ids[0]
        text = post_a.body
        self.assertIn("Audit Bulletin 2026-11", text)
        self.assertIn("3 call(s) missing: 150.00 CNY", text)
        self.assertIn("2 falsified", text)
        self.assertIn("Total: 350.00 CNY", text)
        self.assertIn("Rank 2 of 3", text)
        self.assertIn("800.00 CNY in all", text)
        self.assertNotIn("Branch B", text)
        self.assertEqual(post_a.author_id, self.auditor.partner_id)
        self.assertEqual(post_a.partner_ids, self.president_a.partner_id, "the president is notified")
        self.assertTrue(self.env["mail.notification"].search([
            ("mail_message_id", "=", post_a.id), ("res_partner_id", "=", self.president_a.partner_id.id),
            ("notification_type", "=", "inbox")]), "in the president's inbox")
        self.assertIn("No day audited this month", self.branch_c.message_ids[0].body)
        # the bulletin's own chatter has the published XLSX
        published = bulletin.message_ids.filtered(lambda message: "Published by" in message.body)
        self.assertEqual(published.attachment_ids, bulletin.xlsx_attachment_id)
        # once: neither published again nor prepared again
        with self.assertRaisesRegex(UserError, "is published: it stays as it was published"):
            self.publish(bulletin)
        with self.assertRaisesRegex(UserError, "is published"):
            bulletin.with_user(self.hr).action_generate()
        with self.assertRaisesRegex(UserError, "is published"):
            bulletin.with_user(self.hr).unlink()
        with self.assertRaises(UserError):
            bulletin.line_ids[:1].with_user(self.hr).write({"total": 0})
        with self.assertRaisesRegex(ValidationError, "2026-11 has a bulletin already"):
            self.prepare()

    def test_published_stays_as_published(self):
        self.confirm_month()
        bulletin = self.prepare()
        self.publish(bulletin)
        falsification = self.penalties("falsification")
        falsification.with_user(self.president_a).action_contest("The customers were called on another line")
        falsification.with_user(self.head_office_user).action_contest_cancel("Call records found")
        self.assertEqual(falsification.amount_due, 0.0)
        line_a = self.lines(bulletin)[self.branch_a]
        self.assertEqual((line_a.falsification_fine, line_a.total, line_a.rank), (200.0, 350.0, 2))

    def test_refused_while_a_check_is_not_final(self):
        bulletin = self.prepare()
        with self.assertRaisesRegex(UserError, r"2026-11 has draft penalties \(Branch A, Branch B\)"):
            self.publish(bulletin)
        self.shortfall.with_user(self.hr).action_confirm()
        with self.assertRaisesRegex(UserError, r"2026-11 has samples still open \(Branch A, Branch B\)"):
            self.publish(bulletin)
        self.assertEqual(bulletin.state, "draft")
        self.assertEqual(set(self.shortfall.mapped("state")), {"confirmed"}, "nothing notified")
        self.sample_a.with_user(self.auditor).action_confirm()
        with self.assertRaisesRegex(UserError, r"samples still open \(Branch B\)"):
            self.publish(bulletin)
        self.sample_b.with_user(self.auditor).action_confirm()
        # what is published is what was prepared and reviewed: the figures moved since
        with self.assertRaisesRegex(UserError, "changed since the bulletin was prepared"):
            self.publish(bulletin)
        penalty_b = self.shortfall.filtered(lambda penalty: penalty.branch_id == self.branch_b)
        penalty_b.with_user(self.president_b).action_contest("The line was cut on the 30th")
        with freeze_time(AFTER_MONTH):
            bulletin.with_user(self.hr).action_generate()
        self.publish(bulletin, user=self.hr)  # a pending contest: the fine is due, the remark says so
        self.assertEqual(bulletin.published_by_id, self.hr)
        self.assertEqual(self.lines(bulletin)[self.branch_b].remarks, "Shortfall fine contested, decision pending")

    def test_publishing_needs_a_prepared_bulletin(self):
        self.confirm_month()
        with freeze_time(AFTER_MONTH):
            bulletin = self.env["audit.bulletin"].with_user(self.hr).create({"period": MONTH})
        with self.assertRaisesRegex(UserError, "Prepare the bulletin and review it"):
            self.publish(bulletin)

    def test_month_not_over_and_who_publishes(self):
        with freeze_time(MONTH_LAST_EVENING), self.assertRaisesRegex(ValidationError, "2026-11 is not over yet"):
            self.env["audit.bulletin"].with_user(self.hr).create({"period": MONTH})
        with freeze_time(AFTER_MONTH):
            self.assertEqual(self.env["audit.bulletin"].with_user(self.auditor).create({}).period, MONTH)
        self.env["audit.bulletin"].search([]).unlink()
        for user in (self.head_office_user, self.president_a, self.teller_a1):
            with self.assertRaises(AccessError, msg=user.login):
                self.prepare(user=user)
        self.confirm_month()
        bulletin = self.prepare()
        for user in (self.head_office_user, self.president_a):
            with self.assertRaises(AccessError, msg=user.login):
                self.publish(bulletin, user=user)
        with self.assertRaisesRegex(UserError, "not typed in"):
            bulletin.with_user(self.hr).write({"total": 0.0})
        # the model's hooks refuse the branches too, whatever the screen
        with self.assertRaises(AccessError):
            self.env["audit.penalty"].with_user(self.president_a)._mark_notified(MONTH)
        self.assertEqual(bulletin.state, "draft")

    def test_branches_read_the_published_bulletin(self):
        self.confirm_month()
        bulletin = self.prepare()
        for user in (self.president_b, self.teller_a1):
            self.assertFalse(self.env["audit.bulletin"].with_user(user).search([]), "a draft is the departments'")
            self.assertFalse(self.env["audit.bulletin.line"].with_user(user).search([]))
        self.assertEqual(self.env["audit.bulletin"].with_user(self.head_office_user).search([]), bulletin)
        self.publish(bulletin)
        # a public notice inside the bank: every branch reads every line
        for user in (self.president_b, self.teller_a1, self.teller_o1):
            self.assertEqual(self.env["audit.bulletin"].with_user(user).search([]), bulletin, user.login)
            self.assertEqual(len(self.env["audit.bulletin.line"].with_user(user).search([])), 3, user.login)
            attachment = bulletin.xlsx_attachment_id.with_user(user)
            self.assertTrue(attachment.raw.startswith(b"PK"), user.login)
        action = bulletin.with_user(self.teller_a1).action_download_xlsx()
        self.assertEqual(action["url"], f"/web/content/{bulletin.xlsx_attachment_id.id}?download=true")

    def test_xlsx(self):
        self.confirm_month()
        bulletin = self.prepare()
        self.publish(bulletin)
        self.assertEqual(bulletin.xlsx_filename, "audit-bulletin-2026-11.xlsx")
        self.assertEqual(bulletin.xlsx_attachment_id.mimetype,
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        book = openpyxl.load_workbook(io.BytesIO(bulletin.xlsx_attachment_id.raw), data_only=True)
        ws = book.worksheets[0]
        self.assertEqual(ws["A1"].value, "Example Rural Commercial Bank")
        self.assertEqual(ws["A2"].value, "Monthly Audit Bulletin 2026-11")
        self.assertEqual((ws["A3"].value, ws["B3"].value, ws["D3"].value, ws["E3"].value),
                         ("Month", "2026-11", "Prepared by", self.hr.name))
        self.assertEqual(ws["K3"].value, "Published by %s on 2026-12-10 12:00" % self.auditor.name)
        self.assertIn("Amounts in CNY", ws["A4"].value)
        self.assertEqual(ws["A5"].value, "Confidential — for internal use only")
        header = HEADER_ROW + 1
        self.assertEqual([cell.value for cell in ws[header]], [
            "Rank", "Code", "Sub-branch", "Days Short", "Missing Calls", "Shortfall Fine", "Sampled Day", "Verified",
            "Falsified", "Unreachable", "Falsification Fine", "Total", "Remarks",
        ])
        rows = [[cell.value for cell in row] for row in ws.iter_rows(min_row=header + 1, max_row=header + 4)]
        self.assertEqual(rows[0][:6], [1, "T-B", "Branch B", 1, 9, 450])
        self.assertEqual(rows[1][:12], [2, "T-A", "Branch A", 1, 3, 150, datetime.datetime(2026, 11, 25), 7, 2, 1,
                                        200, 350])
        self.assertEqual(rows[2][:3] + rows[2][6:7] + rows[2][11:12], [3, "T-C", "Branch C", None, 0])
        # the totals: formulas that follow the filter, with their values stored
        totals = rows[3]
        self.assertEqual(totals[2], "Total")
        self.assertEqual((totals[4], totals[5], totals[8], totals[10], totals[11]), (12, 600, 2, 200, 800))
        self.assertEqual(totals[12], "2 of 3 sub-branch(es) fined")
        formulas = openpyxl.load_workbook(io.BytesIO(bulletin.xlsx_attachment_id.raw)).worksheets[0]
        self.assertEqual(formulas.cell(header + 4, 12).value, f"=SUBTOTAL(109,L{header + 1}:L{header + 3})")
        # print-ready: landscape, one page wide, the header row repeated, filter and frozen header
        self.assertEqual(ws.page_setup.orientation, "landscape")
        self.assertTrue(ws.sheet_properties.pageSetUpPr.fitToPage)
        self.assertEqual(ws.page_setup.fitToHeight, 0)
        self.assertEqual(ws.print_title_rows, f"${header}:${header}")
        self.assertEqual(ws.auto_filter.ref, f"A{header}:M{header + 3}")
        self.assertEqual(ws.freeze_panes, f"A{header + 1}")
        self.assertIn("Confidential", ws.oddHeader.right.text)
        self.assertGreaterEqual(ws.column_dimensions["C"].width, 18)

