"""Every user-facing string has a Chinese translation, and the compiled catalog is current."""

import ast
import gettext
import re

from tests.conftest import REPO

LOCALE = REPO / "locale" / "zh_Hans" / "LC_MESSAGES"


def _po_entries():
    """(msgid, msgstr) pairs of django.po; plural entries give their singular and msgstr[0]."""
    entries, fields, current = [], {}, None
    for line in [*(LOCALE / "django.po").read_text(encoding="utf-8").splitlines(), ""]:
        match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[0\])?|msgstr\[\d+\]) (".*")$', line)
        if match:
            current = match.group(1)
            fields[current] = ast.literal_eval(match.group(2))
        elif line.startswith('"') and current:
            fields[current] += ast.literal_eval(line)
        elif not line.strip() and fields:
            msgstr = fields.get("msgstr", fields.get("msgstr[0]", ""))
            if fields.get("msgid"):
                entries.append((fields["msgid"], msgstr))
            fields, current = {}, None
    return entries


def test_every_message_is_translated_and_not_fuzzy():
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    untranslated = [msgid for msgid, msgstr in _po_entries() if not msgstr]
    assert untranslated == []
    assert "#, fuzzy" not in text


def test_compiled_catalog_matches_the_source():
    with (LOCALE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [msgid for msgid, msgstr in _po_entries() if compiled.gettext(msgid) != msgstr]
    assert stale == [], "run `make messages` to compile the catalog"
