"""Fails when a catalogue has an untranslated or fuzzy entry: every string the users see
exists in zh-Hans, zh-Hant and English."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def problems() -> list[str]:
    found: list[str] = []
    for po in sorted(ROOT.rglob("locale/*/LC_MESSAGES/django*.po")):
        blocks = po.read_text(encoding="utf-8").split("\n\n")
        for block in blocks[1:]:
            lines = [ln for ln in block.strip().splitlines() if ln and not ln.startswith("#~")]
            if not lines:
                continue
            if any(ln.startswith("#,") and "fuzzy" in ln for ln in lines):
                found.append(f"{po.relative_to(ROOT)}: fuzzy: {_msgid(lines)}")
            elif _untranslated(lines):
                found.append(f"{po.relative_to(ROOT)}: untranslated: {_msgid(lines)}")
    return found


def _msgid(lines: list[str]) -> str:
    return next((ln for ln in lines if ln.startswith("msgid")), "?")


def _untranslated(lines: list[str]) -> bool:
    text = "\n".join(lines)
    for marker in ("msgstr ", "msgstr[0] "):
        if marker in text:
            after = text.split(marker, 1)[1]
            first, _, rest = after.partition("\n")
            if first.strip() == '""' and not rest.lstrip().startswith('"'):
                return True
    return False


def main() -> int:
    found = problems()
    for line in found:
        print(line, file=sys.stderr)
    if found:
        print(f"{len(found)} strings need a translation", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
