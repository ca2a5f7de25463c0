"""The draw as a pure function: HMAC-SHA256(key=seed, msg="<code>|<YYYY-MM>")
modulo the population's size; pinned on known values, different between
branches and months, and every day of a population reachable."""
import datetime
from collections import Counter

from odoo.tests import BaseCase, tagged

from ..models import draw

D = datetime.date
# The working days of November 2026 (21 days).
NOVEMBER = [D(2026, 11, day) for day in (2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 16, 17, 18, 19, 20, 23, 24, 25, 26, 27, 30)]



@tagged("post_install", "-at_install")
class TestDraw(BaseCase):
    def test_known_values(self):
        """Pinned: any change of the method breaks the outsiders' re-derivation
        (checked against `printf 'T-A|2026-11' | openssl dgst -sha256 -hmac alpha`)."""
        self.assertEqual(draw.draw_index("alpha", "T-A", D(2026, 11, 1), 21), 17)
        self.assertEqual(draw.draw_day("alpha", "T-A", D(2026, 11, 1), NOVEMBER), D(2026, 11, 25))
        self.assertEqual(draw.draw_day("alpha", "T-A", "2026-11", list(reversed(NOVEMBER))), D(2026, 11, 25))
        self.assertEqual(draw.seed_hash("alpha"),
                         "8ed3f6ad685b959ead7022518e1af76cd816f8e8ec7ccdda1ed4018e8f2223f8")
        self.assertEqual(draw.period_key(D(2026, 11, 30)), "2026-11")

    def test_different_between_branches_and_months(self):
        # the same seed and population give other days to other branches and other months
        self.assertEqual(draw.draw_index("alpha", "T-B", D(2026, 11, 1), 21), 16)
        self.assertEqual(draw.draw_index("alpha", "T-A", D(2026, 12, 1), 21), 4)
        self.assertEqual(draw.draw_index("bravo", "T-A", D(2026, 11, 1), 21), 0)
        self.assertEqual(draw.draw_index("bravo", "T-B", D(2026, 11, 1), 21), 19)
        # and over many branches the days spread out
        days = Counter(draw.draw_index("alpha", f"B{n:03d}", D(2026, 11, 1), 21) for n in range(500))
        self.assertEqual(len(days), 21)

    def test_every_day_can_be_drawn(self):
        """Over 4,200 seeds every day of a 21-day month is drawn, each close to
        1/21 of the time (200 expected; a fair draw stays within ±30% here
        with overwhelming probability)."""
        counts = Counter(draw.draw_day(f"seed-{n}", "T-A", D(2026, 11, 1), NOVEMBER) for n in range(4200))
        self.assertEqual(set(counts), set(NOVEMBER))
        for day, count in counts.items():
            self.assertTrue(140 <= count <= 260, (day, count))
        # a one-day population always gives that day
        self.assertEqual(draw.draw_day("any", "T-A", "2026-11", [D(2026, 11, 2)]), D(2026, 11, 2))
        with self.assertRaises(ValueError):
            draw.draw_index("any", "T-A", "2026-11", 0)
