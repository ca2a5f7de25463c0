"""Two transactions open the same day's sheet at the same moment: the
morning's scheduled action and a teller's first call of the day (00:05).
Each runs on a cursor of its own, as in production, on two sub-branches
committed for the test and removed after it: the unique index keeps one
sheet, the scheduled action keeps the sheet the other transaction opened and
opens the rest, and the call's request is replayed by Odoo's RPC layer on a
fresh snapshot, where it finds the sheet."""
from unittest.mock import patch

import psycopg2.errors
from freezegun import freeze_time

from odoo import SUPERUSER_ID, api
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY, retrying
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from .common import WORKDAY, WORKDAY_EVENING


@tagged("post_install", "-at_install")
class TestConcurrentSheets(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            head_office = env.ref("star_tiering.branch_head_office")
            cls.branch_ids = env["bank.branch"].create([
                {"name": f"Race Branch {n}", "code": f"RACE-CT-{n}", "parent_id": head_office.id} for n in (1, 2)
            ]).ids
        cls.addClassCleanup(cls._remove_committed_data, sheets_only=False)

    @classmethod
    def _remove_committed_data(cls, sheets_only=True):
        with cls.registry.cursor() as cr:
            cr.execute(SQL("SELECT id FROM call_sheet WHERE branch_id = ANY(%s)", cls.branch_ids))
            data = [("call.sheet", "call_sheet", [row[0] for row in cr.fetchall()])]
            if not sheets_only:
                data.append(("bank.branch", "bank_branch", cls.branch_ids))
            for model, table, ids in data:
                cr.execute(SQL("DELETE FROM mail_message WHERE model = %s AND res_id = ANY(%s)", model, ids))
                cr.execute(SQL("DELETE FROM mail_followers WHERE res_model = %s AND res_id = ANY(%s)", model, ids))
                # the sheets' designated callers (a many2many) go with them
                cr.execute(SQL("DELETE FROM %s WHERE id = ANY(%s)", SQL.identifier(table), ids))

    def transactions(self):
        """Two new transactions, A begun (its snapshot taken) before B; the
        sheets they commit are removed after the test."""
        self.addCleanup(self._remove_committed_data)
        cr_a, cr_b = self.registry.cursor(), self.registry.cursor()
        self.addCleanup(cr_a.close)
        self.addCleanup(cr_b.close)
        for cr in (cr_a, cr_b):
            cr.execute("SET LOCAL lock_timeout = '10s'")  # a lock the test did not foresee fails it, never hangs it
        cr_a.execute("SELECT 1")  # A's snapshot (REPEATABLE READ) is taken here
        return api.Environment(cr_a, SUPERUSER_ID, {}), api.Environment(cr_b, SUPERUSER_ID, {})

    def test_db_level_unique_index(self):
        self.env.cr.execute("""
            SELECT pg_get_indexdef(i.indexrelid)
              FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
             WHERE i.indrelid = 'call_sheet'::regclass AND i.indisunique AND c.relname = 'call_sheet_branch_date_uniq'
        """)
        self.assertRegex(self.env.cr.fetchone()[0], r"UNIQUE INDEX .* \(branch_id, date\)")

    def sheets_committed(self, env):
        env.cr.execute(SQL(
            "SELECT branch_id, id FROM call_sheet WHERE branch_id = ANY(%s) AND date = %s", self.branch_ids, WORKDAY,
        ))
        return dict(env.cr.fetchall())

    @freeze_time(WORKDAY_EVENING)
    def test_cron_keeps_the_sheet_another_transaction_opened(self):
        first, second = self.branch_ids
        env_a, env_b = self.transactions()
        # B (a teller's first call) opens the first branch's sheet and commits
        # after A (the scheduled action) began: A cannot see that sheet
        theirs = env_b["call.sheet"].create({"branch_id": first, "date": WORKDAY})
        env_b.cr.commit()
        self.assertFalse(env_a["call.sheet"]._find_sheets({(first, WORKDAY)}))
        opened = env_a["call.sheet"]._cron_open_sheets()
        opened = opened.filtered(lambda sheet: sheet.branch_id.id in self.branch_ids)
        self.assertEqual(opened.branch_id.ids, [second], "the day's other sheets are opened all the same")
        self.assertEqual(self.sheets_committed(env_a), {second: opened.id}, "A wrote nothing else")
        env_a.cr.rollback()  # A's work is not needed: the cron's own commit is the framework's
        self.assertEqual(self.sheets_committed(env_b), {first: theirs.id})

    @freeze_time(WORKDAY_EVENING)
    def test_call_logging_is_replayed_on_a_fresh_snapshot(self):
        first, _second = self.branch_ids
        key = (first, WORKDAY)
        env_a, env_b = self.transactions()
        # A (a teller's first call) began; B (the scheduled action) opens the sheet and commits
        env_b["call.sheet"]._cron_open_sheets()
        env_b.cr.commit()
        theirs = self.sheets_committed(env_b)[first]
        # A's look-up cannot see the sheet, its create meets the unique index:
        # PostgreSQL's serialization failure, which Odoo's RPC layer retries
        with self.assertRaises(psycopg2.errors.SerializationFailure) as caught:
            env_a["call.sheet"]._sheets_for_calls({key})
        self.assertIsInstance(caught.exception, PG_CONCURRENCY_EXCEPTIONS_TO_RETRY)
        self.assertFalse(self.sheets_committed(env_a), "nothing written by A")
        env_a.cr.rollback()

        # the same race once more, the request going through the RPC layer's retry
        env_b.cr.execute(SQL("DELETE FROM call_sheet WHERE id = %s", theirs))
        env_b.cr.commit()
        env_a.cr.execute("SELECT 1")  # A begins again, before B opens the sheet
        theirs = env_b["call.sheet"].create({"branch_id": first, "date": WORKDAY}).id
        env_b.cr.commit()
        tries = []

        def request():
            tries.append(True)
            return env_a["call.sheet"]._sheets_for_calls({key})

        with patch("odoo.service.model.time.sleep"):
            sheets = retrying(request, env_a)
        self.assertEqual(len(tries), 2, "replayed once")
        self.assertEqual(sheets[key].id, theirs, "the retry found the sheet the other transaction opened")
