"""Every user-facing text is in the gettext catalogs, complete in every language.

Messages are extracted from the source in-process with the keywords of
geoapp/translations/babel.cfg (``Msg("key", "English")`` constants, the views' ``_()``
and the templates), exactly as ``pybabel extract`` does.
"""

from __future__ import annotations

import ast
import gettext
import io
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.catalog import Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from geoapp.core.i18n import LANGUAGES, Msg
from geoapp.core.programs import PROGRAMS, UNKNOWN_PROGRAM

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "geoapp" / "translations"
BRACE = re.compile(r"\{[^{}]*\}")
LANG_PARAM = re.compile(r"_en([}!:])")
PERCENT = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa]")

Key = tuple[str | None, str]  # (msgctxt, msgid)


def extract(root: Path = ROOT) -> dict[Key, Message]:
    """All messages of the source, keyed by (context, msgid)."""
    cfg = root / "geoapp" / "translations" / "babel.cfg"
    with cfg.open(encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f, str(cfg))
    found: dict[Key, Message] = {}
    for filename, lineno, msgid, _comments, context in extract_from_dir(
            str(root), method_map, options_map, keywords=DEFAULT_KEYWORDS):
        message = Message(msgid, context=context, locations=[(filename, lineno)])
        found.setdefault((context, message.id if isinstance(msgid, str) else msgid[0]), message)
    return found


def placeholders(text: str, percent: bool) -> Counter[str]:
    """The ``str.format`` fields (and ``%`` ones for python-format texts) of ``text``."""
    found = Counter(BRACE.findall(text.replace("{{", "").replace("}}", "")))
    if percent:
        found.update(PERCENT.findall(text.replace("%%", "")))
    return found


def _forms(value: str | tuple | list) -> list[str]:
    return list(value) if isinstance(value, (tuple, list)) else [value]


def catalog_problems(translations: Path, messages: dict[Key, Message]) -> list[str]:
    """Why the catalogs under ``translations`` do not cover ``messages`` (empty: they do)."""
    problems = []
    langs = sorted(p.parent.parent.name for p in translations.glob("*/LC_MESSAGES/messages.po"))
    for lang in sorted(set(LANGUAGES) - set(langs)):
        problems.append(f"{lang}: no catalog")
    for lang in langs:
        po_path = translations / lang / "LC_MESSAGES" / "messages.po"
        with po_path.open("rb") as f:
            catalog = read_po(f, locale=lang)
        for (context, _), wanted in messages.items():
            label = f"{lang}: [{context or ''}] {_forms(wanted.id)[0]!r}"
            entry = catalog.get(wanted.id, context)
            if entry is None:
                problems.append(f"{label}: not in the catalog")
                continue
            strings = _forms(entry.string)
            if entry.fuzzy or not all(s.strip() for s in strings):
                problems.append(f"{label}: {'fuzzy' if entry.fuzzy else 'not translated'}")
                continue
            # Msg texts are str.format only; views/templates may also use %(name)s
            percent = context is None and wanted.python_format
            expected: Counter[str] = Counter()
            for form in _forms(wanted.id):
                expected |= placeholders(form, percent)
            # a parameter given per language ({distance_en}, {distance_id}) is one parameter
            expected = Counter({LANG_PARAM.sub(rf"_{lang}\1", k): n for k, n in expected.items()})
            for string in strings:
                got = placeholders(string, percent)
                # a plural form may leave out the count; it may not invent a placeholder
                wrong = set(got) - set(expected) if wanted.pluralizable else got != expected
                if wrong:
                    problems.append(f"{label}: placeholders {sorted(expected)} but the "
                                    f"translation has {sorted(got)}")
        problems.extend(stale_mo(po_path, catalog))
    return problems


def stale_mo(po_path: Path, catalog) -> list[str]:
    """A problem if the committed .mo does not hold what its .po compiles to."""
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists():
        return [f"{mo_path.relative_to(po_path.parents[2])}: missing; run pybabel compile"]
    fresh = io.BytesIO()
    write_mo(fresh, catalog)
    fresh.seek(0)
    want = dict(gettext.GNUTranslations(fresh)._catalog)  # type: ignore[attr-defined]
    with mo_path.open("rb") as f:
        have = dict(gettext.GNUTranslations(f)._catalog)  # type: ignore[attr-defined]
    want.pop("", None)
    have.pop("", None)
    if want == have:
        return []
    changed = sorted(str(k) for k in set(want) ^ set(have) | {
        k for k in set(want) & set(have) if want[k] != have[k]})
    return [f"{mo_path.relative_to(po_path.parents[2])}: stale against its .po "
            f"({len(changed)} messages differ, e.g. {changed[:3]}); run pybabel compile"]


@pytest.fixture(scope="module")
def messages() -> dict[Key, Message]:
    found = extract()
    assert len(found) > 300, "the extraction found suspiciously few messages"
    return found


def test_every_message_is_translated_in_every_catalog(messages):
    problems = catalog_problems(TRANSLATIONS, messages)
    assert not problems, (f"{len(problems)} catalog problems (see "
                          "geoapp/translations/README.md):\n" + "\n".join(problems[:40]))


def test_the_check_fails_on_a_broken_catalog(messages, tmp_path):
    """The check above can fail: untranslated, fuzzy, wrong placeholder, stale .mo."""
    copy = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS, copy)
    assert catalog_problems(copy, messages) == []
    key = ("matched_kode", "Matched by code {kode}: {nama} ({kec}).")
    po_path = copy / "id" / "LC_MESSAGES" / "messages.po"
    with po_path.open("rb") as f:
        catalog = read_po(f, locale="id")
    unknown = catalog.get(UNKNOWN_PROGRAM.msgid, UNKNOWN_PROGRAM.key)
    unknown.string = unknown.string.replace("{program}", "{programme}")
    catalog.get(key[1], key[0]).string = ""
    title = PROGRAMS["umkm"].title
    catalog.get(title.msgid, title.key).flags.add("fuzzy")
    with po_path.open("wb") as f:
        write_po(f, catalog)
    problems = "\n".join(catalog_problems(copy, messages))
    assert "[matched_kode]" in problems and "not translated" in problems
    assert "[program.umkm]" in problems and "fuzzy" in problems
    assert "[unknown_program]" in problems and "{programme}" in problems
    assert "id/LC_MESSAGES/messages.mo: stale" in problems
    shutil.rmtree(copy / "en")
    assert "en: no catalog" in "\n".join(catalog_problems(copy, messages))


def test_no_bilingual_msg_literals_left_in_the_source():
    """Texts belong in the catalogs: ``Msg(key, id="...", en="...")`` is for run-time texts."""
    old = []
    for path in sorted((ROOT / "geoapp").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            func = getattr(node, "func", None)
            if (isinstance(node, ast.Call) and "Msg" in (getattr(func, "id", None),
                                                         getattr(func, "attr", None))
                    and (len(node.args) > 2 or any(
                        k.arg in ("id", "en") and isinstance(k.value, ast.Constant)
                        for k in node.keywords))):
                old.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not old, "write Msg(\"key\", \"English\") and put the translation in the catalogs: " \
        + ", ".join(old)


def test_msg_text_comes_from_the_catalog_of_the_language():
    title = PROGRAMS["umkm"].title
    assert title.text() == "Bantuan modal usaha UMKM/PKL"
    assert title.text("id") == "Bantuan modal usaha UMKM/PKL"
    assert title.text("en") == "UMKM/PKL business-capital aid"
    assert title.text("en-GB") == "UMKM/PKL business-capital aid"
    assert title.text("xx") == title.text() and title.text(None) == title.text()
    assert UNKNOWN_PROGRAM.text(program="x", allowed="a, b") == (
        "Jenis program 'x' tidak dikenal. Pilih salah satu: a, b.")
    assert UNKNOWN_PROGRAM.text("en", program="x", allowed="a, b") == (
        "Unknown program type 'x'. Choose one of: a, b.")
    assert UNKNOWN_PROGRAM.text("en") == UNKNOWN_PROGRAM.msgid  # missing params: unformatted


def test_msg_without_translation_falls_back_to_english_and_inline_texts_win():
    assert Msg("test.unknown", "Only in English {n}").text("id", n=1) == "Only in English 1"
    inline = Msg("test.inline", id="Halo {nama}", en="Hello {nama}")
    assert inline.text(nama="Budi") == "Halo Budi" and inline.text("en", nama="B") == "Hello B"
    assert inline == Msg("test.inline", id="Halo {nama}", en="Hello {nama}")
    assert len({inline, Msg("test.inline", id="Halo {nama}", en="Hello {nama}")}) == 1
