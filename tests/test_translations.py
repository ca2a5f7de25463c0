"""Odoo-free check: every addon ships a zh_CN translation of every term of its .pot."""
import pathlib
import re

import polib
import pytest

REPO = pathlib.Path(__file__).resolve().parent.parent
ADDONS = sorted(p.parent.name for p in REPO.glob("*/__manifest__.py"))
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sdr]")


@pytest.mark.parametrize("addon", ADDONS)
def test_zh_cn_complete(addon):
    i18n = REPO / addon / "i18n"
    pot = polib.pofile(str(i18n / f"{addon}.pot"))
    po = polib.pofile(str(i18n / "zh_CN.po"))
    translated = {entry.msgid: entry.msgstr for entry in po if not entry.obsolete and "fuzzy" not in entry.flags}
    missing = [entry.msgid for entry in pot if not translated.get(entry.msgid)]
    assert not missing, f"{addon}: {len(missing)} term(s) without zh_CN translation: {missing[:5]}"
    wrong = [
        msgid for msgid, msgstr in translated.items()
        if sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(msgstr))
    ]
    assert not wrong, f"{addon}: placeholders differ in {wrong[:5]}"


@pytest.mark.parametrize("addon", ADDONS)
def test_pot_is_current(addon):
    """Every _("...") literal of the Python code is in the .pot (catches a
    forgotten export after adding a message)."""
    pot = {entry.msgid for entry in polib.pofile(str(REPO / addon / "i18n" / f"{addon}.pot"))}
    call = re.compile(r'\b_\(\s*((?:"(?:[^"\\]|\\.)*"\s*)+)[,)]', re.S)
    missing = []
    for path in (REPO / addon).rglob("*.py"):
        if "tests" in path.parts:
            continue
        for match in call.finditer(path.read_text()):
            literal = "".join(eval(part) for part in re.findall(r'"(?:[^"\\]|\\.)*"', match.group(1)))
            if literal not in pot:
                missing.append(f"{path.name}: {literal[:60]}")
    assert not missing, f"{addon}: not in the .pot, export it again: {missing[:5]}"
