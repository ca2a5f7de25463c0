"""Odoo-free tests of the synthetic bank's customer generator
(data/generate_bank.py)::

    python3 -m pytest tests/test_generate_bank_rows.py
"""
import datetime
import os
import re
import sys
from collections import Counter

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data"))

import generate_bank as gb

TODAY = datetime.date(2026, 3, 15)


# The pytest-odoo plugin, when installed, loads an Odoo registry for every
# test session (autouse fixtures); these tests need no database.
@pytest.fixture(scope="session", autouse=True)
def load_registry():
    yield


@pytest.fixture(scope="session", autouse=True)
def load_http():
    yield


@pytest.fixture(scope="module", autouse=True)
def enable_odoo_test_flag():
    yield
WEIGHTS = (3, 1, 3, 1, 3, 1)  # 3 sub-branches with one outlet each


def rows(count, seed=42, weights=WEIGHTS, today=TODAY, **kw):
    return list(gb.customer_rows(count, seed=seed, branch_weights=weights, today=today, **kw))


@pytest.fixture(scope="module")
def sample():
    return rows(100_000)


def test_deterministic_for_a_seed():
    assert rows(5000) == rows(5000)
    assert rows(5000, seed=7) == rows(5000, seed=7)
    assert rows(5000) != rows(5000, seed=43)


def test_prefix_is_stable():
    """A smaller bank is the beginning of a bigger one (same seed)."""
    assert rows(1000) == rows(5000)[:1000]


def test_sizes():
    assert rows(0) == []
    one = rows(1)
    assert len(one) == 1 and one[0].customer_number == "C00000001"
    assert len(rows(12345)) == 12345


def test_unique_customer_numbers(sample):
    numbers = [r.customer_number for r in sample]
    assert len(set(numbers)) == len(numbers)
    assert all(re.fullmatch(r"C\d{8}", n) for n in numbers)
    assert numbers[0] == "C00000001" and numbers[-1] == "C00100000"
    shifted = rows(10, first_number=1_000_001)
    assert shifted[0].customer_number == "C01000001"


def test_tier_distribution(sample):
    n = len(sample)
    tiers = Counter(gb.expected_tier(r.aum_cents, r.has_business) for r in sample)
    zero_with_business = sum(1 for r in sample if r.aum_cents == 0 and r.has_business) / n
    share = {t: tiers[t] / n for t in "12345"}
    assert share["1"] == pytest.approx(0.08, abs=0.006)
    assert zero_with_business == pytest.approx(0.02, abs=0.003)
    assert share["2"] == pytest.approx(0.47, abs=0.01)  # 2 % with no assets + 45 %
    assert share["3"] == pytest.approx(0.30, abs=0.01)
    assert share["4"] == pytest.approx(0.10, abs=0.006)
    assert share["5"] == pytest.approx(0.05, abs=0.004)


def test_aum_consistency(sample):
    for r in sample:
        assert r.aum_cents >= 0
        if r.aum_cents > 0:
            assert r.has_business
    # 1★ customers are exactly the ones with no assets and no business
    assert all(
        (gb.expected_tier(r.aum_cents, r.has_business) == "1") == (r.aum_cents == 0 and not r.has_business)
        for r in sample
    )


@pytest.mark.parametrize("cents, tier", [
    (4_999_999, "2"),      # 49,999.99
    (5_000_000, "3"),      # 50,000.00
    (30_000_000, "4"),     # 300,000.00
    (100_000_000, "5"),    # 1,000,000.00
])
def test_boundary_values_present(sample, cents, tier):
    hits = [r for r in sample if r.aum_cents == cents]
    assert len(hits) >= 30, "each boundary is held by many customers (1 % of its band)"
    assert gb.expected_tier(cents, True) == tier


def test_boundaries_even_in_a_tiny_bank():
    tiny = rows(6)
    assert [gb.expected_tier(r.aum_cents, r.has_business) for r in tiny] == ["1", "2", "2", "3", "4", "5"]
    assert {gb.format_cents(r.aum_cents) for r in tiny} == {
        "0.00", "49999.99", "50000.00", "300000.00", "1000000.00"
    }


def test_format_cents():
    assert gb.format_cents(0) == "0.00"
    assert gb.format_cents(5) == "0.05"
    assert gb.format_cents(4_999_999) == "49999.99"
    assert gb.format_cents(100_000_000) == "1000000.00"


def test_last_contact_dates(sample):
    n = len(sample)
    nulls = sum(1 for r in sample if r.last_contact_date is None)
    assert nulls / n == pytest.approx(0.15, abs=0.01)
    window = TODAY - datetime.timedelta(days=gb.CONTACT_WINDOW_DAYS - 1)
    dated = [r.last_contact_date for r in sample if r.last_contact_date]
    assert all(window <= d <= TODAY for d in dated)
    assert min(dated) == window and max(dated) == TODAY


def test_branch_spread(sample):
    counts = Counter(r.branch_index for r in sample)
    assert set(counts) == set(range(len(WEIGHTS)))
    total = sum(WEIGHTS)
    for index, weight in enumerate(WEIGHTS):
        assert counts[index] / len(sample) == pytest.approx(weight / total, abs=0.01)
    assert {r.branch_index for r in rows(200, weights=(1,))} == {0}
    with pytest.raises(ValueError):
        rows(1, weights=())


def test_names(sample):
    for r in sample[:5000]:
        assert 2 <= len(r.name) <= 3
        assert r.name[0] in gb.SURNAMES
        assert all(c in gb.GIVEN_CHARS for c in r.name[1:])
        assert "\t" not in r.name and "\\" not in r.name


def test_layout_and_staff_plan():
    layout = gb.bank_layout(3, 2)
    assert [b["code"] for b in layout] == ["SB01", "SB02", "SB03"]
    assert [o["code"] for o in layout[0]["outlets"]] == ["SB01-01", "SB01-02"]
    assert layout[0]["name"] == "Chengdong Sub-branch" and layout[0]["name_zh"] == "城东支行"
    assert layout[0]["outlets"][0]["name"] == "Chengdong Jiefang Road Outlet"
    assert layout[0]["outlets"][0]["name_zh"] == "城东解放路网点"
    big = gb.bank_layout(120, 0)
    assert len({b["name"] for b in big}) == 120 and len({b["name_zh"] for b in big}) == 120
    assert big[99]["code"] == "SB100"
    plan = gb.staff_plan("SB01", gb.SUB_BRANCH_STAFF)
    logins = [login for login, _role in plan]
    assert len(plan) == 13 and len(set(logins)) == 13
    assert "sb01.president" in logins and "sb01.teller3" in logins
    assert Counter(role for _login, role in plan) == {
        "branch_president": 1, "accounting_supervisor": 1, "customer_manager": 2,
        "customer_manager_supervisor": 1, "outlet_staff": 2, "teller": 3, "vip_teller": 1,
        "lobby_manager": 1, "development_staff": 1,
    }
