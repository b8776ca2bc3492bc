"""Fail when the Chinese catalogue is incomplete or its compiled .mo is missing or stale.

Every user-facing string is an English msgid; Chinese (zh-Hans) must translate each one. Run by
`make test`; `make messages` refreshes the catalogue.
"""

from __future__ import annotations

import gettext
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def untranslated(po_text: str) -> list[str]:
    """msgids whose msgstr is empty or marked fuzzy."""
    missing = []
    for block in po_text.split("\n\n"):
        if "msgid " not in block or re.search(r'^msgid ""\nmsgstr ""\n"Project', block, re.M):
            continue
        if block.startswith("#~"):
            continue
        msgid = "".join(re.findall(r'^(?:msgid|msgid_plural)? ?"(.*)"$', block.split("msgstr")[0], re.M))
        strs = re.findall(r'msgstr(?:\[\d\])? "(.*)"((?:\n".*")*)', block)
        empty = any(not (first + "".join(re.findall(r'"(.*)"', rest))) for first, rest in strs)
        if msgid and (empty or "#, fuzzy" in block):
            missing.append(msgid)
    return missing


def _catalog(path: Path) -> dict[object, str]:
    """The translations of a .mo file, without its header (which carries dates)."""
    with path.open("rb") as fp:
        catalog = dict(gettext.GNUTranslations(fp)._catalog)  # type: ignore[attr-defined]
    catalog.pop("", None)
    return catalog


def main() -> int:
    if not PO.exists():
        print(f"missing {PO}")
        return 1
    text = PO.read_text(encoding="utf-8")
    missing = untranslated(text)
    if missing:
        print(f"{len(missing)} strings have no Chinese translation in {PO.relative_to(ROOT)}:")
        for msgid in missing[:50]:
            print("  -", msgid)
        return 1
    if not MO.exists():
        print(f"missing {MO}: run `make messages`")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "django.mo"
        try:
            subprocess.run(["msgfmt", "--check-format", "-o", str(fresh), str(PO)], check=True)
        except FileNotFoundError:
            print("msgfmt not found; skipped the .mo freshness check")
            return 0
        if _catalog(fresh) != _catalog(MO):
            print(f"{MO.relative_to(ROOT)} is stale: run `make messages`")
            return 1
    print(f"Chinese catalogue complete: {text.count(chr(10) + 'msgid ') - 1} strings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
