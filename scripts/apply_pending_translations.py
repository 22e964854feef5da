"""Write the translations in locale/pending/*.json into the catalogues, then remove the files.

Engineers working in parallel cannot all edit locale/*/LC_MESSAGES/django.po (each
`make messages` rewrites it), so each leaves the Polish and Urdu words of their new strings in
a JSON file: a list of {"msgid", "msgid_plural"?, "msgctxt"?, "pl", "ur"} (plural forms as
lists). Run after `make messages` has added the new strings; then `make messages` again compiles.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("pl", "ur")


def main() -> int:
    pending = sorted((ROOT / "locale" / "pending").glob("*.json"))
    entries = [entry for path in pending for entry in json.loads(path.read_text())]
    missing = []
    for code in LANGUAGES:
        po_path = ROOT / "locale" / code / "LC_MESSAGES" / "django.po"
        catalogue = polib.pofile(str(po_path))
        for entry in entries:
            found = catalogue.find(entry["msgid"], msgctxt=entry.get("msgctxt"))
            if found is None:
                missing.append((code, entry["msgid"]))
                continue
            words = entry[code]
            if found.msgid_plural:
                forms = words if isinstance(words, list) else [words]
                # Polish has 4 forms (1; 2-4; 5+; fractions, which read like 2-4).
                if code == "pl" and len(forms) == 3:
                    forms = [*forms, forms[1]]
                found.msgstr_plural = dict(enumerate(forms))
            else:
                found.msgstr = words if isinstance(words, str) else words[0]
            if "fuzzy" in found.flags:
                found.flags.remove("fuzzy")
        catalogue.save()
    for code, msgid in missing:
        print(f"{code}: not in the catalogue (run make messages first): {msgid[:70]}")
    print(f"{len(entries)} entries from {len(pending)} files applied to {', '.join(LANGUAGES)}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
