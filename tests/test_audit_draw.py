"""The standalone re-derivation (tests/audit_draw.py, Python's standard library
only) reproduces the days the addon drew, from what the samples store: the
outsider's check of the monthly audit draw (audit_penalty)."""
import importlib.util
import json
import pathlib
import subprocess
import sys
import tempfile

from odoo.tests import tagged

from odoo.addons.audit_penalty.models import draw
from odoo.addons.audit_penalty.tests.common import MONTH, AuditPenaltyCase

SCRIPT = pathlib.Path(__file__).resolve().parent / "audit_draw.py"


def load_script():
    """tests/audit_draw.py by its path, as an outsider would have it."""
    spec = importlib.util.spec_from_file_location("audit_draw", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestAuditDrawScript(AuditPenaltyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.script = load_script()

    def test_the_script_imports_no_odoo(self):
        source = SCRIPT.read_text()
        self.assertNotIn("import odoo", source)
        self.assertNotIn("from odoo", source)

    def test_reproduces_the_drawn_samples(self):
        october = MONTH.replace(month=10)
        self.log_day(october.replace(day=13), [(self.customers_a[0], 90)])
        self.log_day(october.replace(day=14), [(self.customers_a[1], 90)])
        self.log_day(october.replace(day=15), [(self.customers_b[0], 90)], user=self.teller_b)
        for month, seed in ((MONTH, "committed-seed-1"), (october, "committed-seed-2")):
            self.commit(seed, month=month, when="2026-10-01 01:00:00")
            samples = self.draw(seed, month=month)
            self.assertEqual(len(samples), 2)
            for sample in samples:
                record = json.loads(sample.draw_record)
                ok, day, _messages = self.script.check(record)
                self.assertTrue(ok, record)
                self.assertEqual(day, str(sample.sampled_date))
                self.assertEqual(record["seed_sha256"], self.script.commitment(seed))
                self.assertEqual(record["population"], sample.population.split(","))

    def test_command_line(self):
        self.commit("cli-seed")
        sample = self.draw("cli-seed")[0]
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
            handle.write(sample.draw_record)
        result = subprocess.run([sys.executable, str(SCRIPT), handle.name], capture_output=True, text=True,
                                check=False, timeout=60)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn(f"derived day: {sample.sampled_date}", result.stdout)
        # a forged day is caught
        forged = dict(json.loads(sample.draw_record), sampled_date="2026-11-01")
        result = subprocess.run([sys.executable, str(SCRIPT), "-"], input=json.dumps(forged), capture_output=True,
                                text=True, check=False, timeout=60)
        self.assertEqual(result.returncode, 1)
        self.assertIn("DOES NOT MATCH", result.stdout)
        # the arguments' form and the commitment helper
        result = subprocess.run([
            sys.executable, str(SCRIPT), "--seed", sample.seed, "--branch-code", sample.branch_code,
            "--period", "2026-11", "--population", sample.population, "--sampled-date", str(sample.sampled_date),
        ], capture_output=True, text=True, check=False, timeout=60)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        result = subprocess.run([sys.executable, str(SCRIPT), "commit", "cli-seed"], capture_output=True, text=True,
                                check=False, timeout=60)
        self.assertEqual(result.stdout.strip(), sample.seed_hash)

    def test_script_and_addon_agree(self):
        """The two implementations on many inputs (another population size,
        other codes and months, non-ASCII seeds)."""
        import datetime

        days = [datetime.date(2027, 2, 1) + datetime.timedelta(days=n) for n in range(19)]
        for n in range(300):
            seed, code, month = f"种子-{n}", f"SB{n % 37:03d}", datetime.date(2027, 1 + n % 12, 1)
            size = 1 + n % 19
            self.assertEqual(
                self.script.derive_day(seed, code, f"{month:%Y-%m}", [str(day) for day in days[:size]]),
                str(draw.draw_day(seed, code, month, days[:size])),
            )
            self.assertEqual(self.script.commitment(seed), draw.seed_hash(seed))
