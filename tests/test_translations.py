"""Every text a person reads in the web pages and emails is marked for translation.

The templates are read with Django's own template lexer: what ``{% translate %}`` and
``{% blocktranslate %}`` produce counts as marked, ``{{ variables }}`` are data, and what
remains is parsed as HTML. Any text node, or any attribute people read (``title``,
``alt``, ``aria-label``, a submit button's ``value``, a description ``<meta>``'s
``content``...), that still holds a letter is reported with its file and line. String
literals handed to ``default``-like filters or to ``{% include ... with %}`` must be
``_("...")`` too, and a ``blocktranslate`` over several lines must be ``trimmed``. Code
and style (``<script>``, ``<style>``, ``<code>``) are not language, nor is what HTML's
``translate="no"`` covers (sample file contents, for instance).

In Python, the labels, help texts and errors of Django forms and the messages given to
``django.contrib.messages`` must be gettext calls, not plain strings.

With GNU gettext installed (``make test`` installs it and then requires it), the English
catalogue is checked to hold exactly the messages of the code, every catalogue to
compile, and a compiled translation to reach the pages.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.template.base import DebugLexer, Token, TokenType
from django.urls import reverse

SOURCE = Path(__file__).resolve().parents[1] / "src" / "credstack"
TEMPLATE_FILES = sorted(
    path
    for pattern in ("*/templates/**/*.html", "*/templates/**/*.txt")
    for path in SOURCE.glob(pattern)
)

# Words that are not English and stay as they are in every language.
NOT_LANGUAGE = frozenset({"credstack"})
# Elements whose content is code, not language.
CODE_ELEMENTS = frozenset({"script", "style", "code", "kbd", "samp"})
# Attributes a person reads or hears (screen readers), whatever the element.
READ_ATTRIBUTES = frozenset(
    {"title", "alt", "aria-label", "aria-description", "aria-roledescription", "placeholder"}
)
INPUT_TYPES_SHOWING_VALUE = frozenset({"submit", "button", "reset"})
VOID_ELEMENTS = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }
)
META_NAMES_READ = frozenset({"description", "og:title", "og:description", "twitter:title"})
# Filters whose string argument is shown in place of the value.
FILTERS_SHOWING_ARGUMENT = frozenset({"default", "default_if_none", "yesno"})

# What the marked parts of a template become before the HTML is parsed: characters of the
# Unicode private use area, which are not letters.
MARKED = "\ue000"
DATA = "\ue001"

LETTER = re.compile(r"[^\W\d_]")
URL = re.compile(r"(?:[a-z][a-z0-9+.-]*:|/)\S*$", re.IGNORECASE)
STRING_LITERAL = re.compile(r"""(_\()?("[^"]*"|'[^']*')""")
FILTER_WITH_LITERAL = re.compile(r"""\|\s*(\w+)\s*:\s*(_\()?("[^"]*"|'[^']*')""")
WITH_ASSIGNMENT = re.compile(r"""(\w+)=(_\()?("[^"]*"|'[^']*')""")


@dataclass(frozen=True)
class Finding:
    line: int
    text: str
    where: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.where}: {self.text!r}"


def is_language(text: str) -> bool:
    """Whether ``text`` holds words to translate: a letter outside the brand and URLs."""
    for word in text.split():
        if not LETTER.search(word) or URL.match(word):
            continue
        if word.strip(".,:;!?()[]\"'“”‘’«»").lower() in NOT_LANGUAGE:
            continue
        return True
    return False


def _literals_to_translate(contents: str) -> Iterator[str]:
    """Plain string literals in a ``{{ }}`` or ``{% %}`` that are shown as text."""
    for match in FILTER_WITH_LITERAL.finditer(contents):
        name, wrapped, literal = match.groups()
        if name in FILTERS_SHOWING_ARGUMENT and not wrapped and LETTER.search(literal):
            yield literal
    if contents.split(maxsplit=1)[0] in ("include", "with", "firstof"):
        for match in WITH_ASSIGNMENT.finditer(contents):
            _, wrapped, literal = match.groups()
            # A single lowercase word is an identifier (an id, a field name), not language.
            if not wrapped and is_language(literal[1:-1]) and re.search(r"[\sA-Z]", literal):
                yield literal
        if contents.startswith("firstof"):
            for match in STRING_LITERAL.finditer(contents):
                if not match.group(1) and is_language(match.group(2)[1:-1]):
                    yield match.group(2)


def _flatten(source: str) -> tuple[str, list[Finding]]:
    """The template as HTML: marked text and data replaced by placeholders, tags and
    comments dropped, every newline kept so that lines stay where they were."""
    findings: list[Finding] = []
    parts: list[str] = []
    end_of_skipped: str | None = None
    # Where the open blocktranslate starts, when it is not trimmed.
    untrimmed: Token | None = None
    for token in DebugLexer(source).tokenize():
        start, end = token.position
        newlines = "\n" * source.count("\n", start, end)
        words = token.contents.split()
        if end_of_skipped is not None:
            if token.token_type is TokenType.BLOCK and words and words[0] == end_of_skipped:
                end_of_skipped = None
                if untrimmed is not None and untrimmed.lineno != token.lineno:
                    # The line breaks and indentation would be part of the message.
                    findings.append(Finding(untrimmed.lineno, untrimmed.contents, "not trimmed"))
                untrimmed = None
            parts.append(newlines)
            continue
        if token.token_type is TokenType.TEXT:
            parts.append(token.contents)
        elif token.token_type is TokenType.VAR:
            for literal in _literals_to_translate(token.contents):
                findings.append(Finding(token.lineno, literal, "unmarked string in {{ }}"))
            parts.append(DATA + newlines)
        elif token.token_type is TokenType.BLOCK and words:
            if words[0] in ("translate", "trans"):
                parts.append(MARKED + newlines)
                continue
            if words[0] in ("blocktranslate", "blocktrans"):
                end_of_skipped = "end" + words[0]
                untrimmed = None if "trimmed" in words else token
                parts.append(MARKED + newlines)
                continue
            if words[0] == "comment":
                end_of_skipped = "endcomment"
            for literal in _literals_to_translate(token.contents):
                findings.append(
                    Finding(token.lineno, literal, f"unmarked string in {{% {words[0]} %}}")
                )
            parts.append(newlines)
        else:
            parts.append(newlines)
    return "".join(parts), findings


class _TextFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.findings: list[Finding] = []
        # The open elements, each with whether its content is left untranslated.
        self.open_elements: list[tuple[str, bool]] = []

    def _in_untranslated(self) -> bool:
        return any(untranslated for _, untranslated in self.open_elements)

    def _report(self, line: int, text: str, where: str) -> None:
        shown = " ".join(text.split()).replace(MARKED, "{% translate %}").replace(DATA, "{{ }}")
        self.findings.append(Finding(line, shown, where))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        # translate="no" is HTML's own way of saying that content is not to be translated.
        untranslated = tag in CODE_ELEMENTS or values.get("translate", "").lower() == "no"
        if not untranslated and not self._in_untranslated():
            read = {name for name in values if name in READ_ATTRIBUTES}
            if tag == "input" and values.get("type", "").lower() in INPUT_TYPES_SHOWING_VALUE:
                read.add("value")
            if tag == "meta" and (values.get("name") or values.get("property")) in META_NAMES_READ:
                read.add("content")
            for name in sorted(read):
                if is_language(values[name]):
                    self._report(self.getpos()[0], values[name], f"<{tag} {name}>")
        if tag not in VOID_ELEMENTS:
            self.open_elements.append((tag, untranslated))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.open_elements) - 1, -1, -1):
            if self.open_elements[index][0] == tag:
                del self.open_elements[index:]
                return

    def handle_data(self, data: str) -> None:
        if self._in_untranslated() or not is_language(data):
            return
        first_letter = LETTER.search(data)
        assert first_letter is not None
        line = self.getpos()[0] + data.count("\n", 0, first_letter.start())
        self._report(line, data, "text")


def untranslated_in_template(source: str) -> list[Finding]:
    """What a person would read in this template that is not marked for translation."""
    html, findings = _flatten(source)
    finder = _TextFinder()
    finder.feed(html)
    finder.close()
    return sorted([*findings, *finder.findings], key=lambda finding: finding.line)


# --- The checker itself ---------------------------------------------------------------------


def test_it_reports_an_unmarked_sentence_with_its_line() -> None:
    source = '{% load i18n %}\n<p>{% translate "Marked." %}</p>\n<p>Not marked at all.</p>\n'

    assert untranslated_in_template(source) == [Finding(3, "Not marked at all.", "text")]


def test_it_accepts_translated_text_variables_brand_and_punctuation() -> None:
    source = (
        "{% load i18n %}{# a comment #}<title>{% block title %}credstack{% endblock %} · credstack"
        '</title>\n<a href="https://example.org/x" title="{% translate \'Open\' %}">'
        "{{ name }} → {{ count }} ({{ percent }} %)</a>\n"
        "<p>{% blocktranslate trimmed with n=count %}\n  Many {{ n }}\n  lines.\n"
        "{% endblocktranslate %}</p>{% comment %}Hidden note.{% endcomment %}\n"
        '<p>{{ title|default:_("Untitled") }} {{ when|date:"j F Y" }}</p> https://example.org/\n'
    )

    assert untranslated_in_template(source) == []


def test_it_ignores_script_style_and_code_but_not_what_follows() -> None:
    source = (
        "<style>body { font-family: system-ui }</style>\n"
        '<script type="application/ld+json">{"name": "Some name"}</script>\n'
        "<p><code>POST /credentials/verify</code></p>\n<p>After the code.</p>\n"
    )

    assert untranslated_in_template(source) == [Finding(4, "After the code.", "text")]


def test_it_skips_what_html_says_not_to_translate() -> None:
    source = (
        '<pre translate="no">email,name\nann@example.org,Ann Able<br>\n<b>bold</b></pre>\n'
        '<img translate="no" alt="a logo"><p>Still read.</p>\n'
    )

    assert untranslated_in_template(source) == [Finding(4, "Still read.", "text")]


@pytest.mark.parametrize(
    ("source", "where"),
    [
        ('<img src="x.png" alt="A badge">', "<img alt>"),
        ('<nav aria-label="Main">', "<nav aria-label>"),
        ('<input name="q" placeholder="Search {{ what }}">', "<input placeholder>"),
        ('<input type="submit" value="Send">', "<input value>"),
        ('<meta name="description" content="A page.">', "<meta content>"),
        ('<span{% if x %} title="Shown on hover"{% endif %}>', "<span title>"),
        ('{{ name|default:"Unknown" }}', "unmarked string in {{ }}"),
        ('{% include "x.html" with label="Your name" %}', "unmarked string in {% include %}"),
        ("{% blocktranslate %}Two\nlines.{% endblocktranslate %}", "not trimmed"),
    ],
)
def test_it_reports_unmarked_text_where_people_read_it(source: str, where: str) -> None:
    findings = untranslated_in_template(source)

    assert [finding.where for finding in findings] == [where]


def test_it_leaves_identifiers_and_machine_values_alone() -> None:
    source = (
        '<input type="hidden" name="next" value="wallet">\n'
        '<input type="text" value="{{ value }}">\n'
        '<meta property="og:type" content="website">\n'
        '{% include "rows.html" with table_id="bad-rows" %}{{ tags|join:", " }}\n'
    )

    assert untranslated_in_template(source) == []


# --- The templates --------------------------------------------------------------------------


def test_it_finds_the_templates() -> None:
    names = {path.relative_to(SOURCE).as_posix() for path in TEMPLATE_FILES}

    assert {"web/templates/web/base.html", "claims/templates/claims/email/body.txt"} <= names


@pytest.mark.parametrize(
    "path", TEMPLATE_FILES, ids=[path.relative_to(SOURCE).as_posix() for path in TEMPLATE_FILES]
)
def test_every_text_people_read_in_a_template_is_marked_for_translation(path: Path) -> None:
    findings = untranslated_in_template(path.read_text(encoding="utf-8"))

    assert not findings, f"{path.relative_to(SOURCE.parent)}:\n" + "\n".join(map(str, findings))


# --- Python ---------------------------------------------------------------------------------

PYTHON_FILES = sorted(
    path
    for path in SOURCE.rglob("*.py")
    if "migrations" not in path.parts and "standards" not in path.relative_to(SOURCE).parts
)
FORM_TEXT_KEYWORDS = frozenset({"label", "help_text", "empty_label", "label_suffix"})
MESSAGE_FUNCTIONS = frozenset({"debug", "info", "success", "warning", "error", "add_message"})


def _is_plain_text(node: ast.expr) -> bool:
    """A string literal (or f-string, or one formatted with % or .format) with words."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return is_language(node.value)
    if isinstance(node, ast.JoinedStr):
        return any(_is_plain_text(value) for value in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return _is_plain_text(node.left)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr == "format" and _is_plain_text(node.func.value)
    return False


def _shown_arguments(call: ast.Call, uses_forms: bool) -> Iterator[tuple[ast.expr, str]]:
    """The arguments of ``call`` that a person reads, with what they are."""
    function = call.func
    name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
    if uses_forms:
        for keyword in call.keywords:
            if keyword.arg in FORM_TEXT_KEYWORDS:
                yield keyword.value, f"form {keyword.arg}"
        if name == "ValidationError":
            yield from ((argument, name) for argument in call.args[:1])
        if name == "add_error":
            yield from ((argument, name) for argument in call.args[1:2])
    if (
        isinstance(function, ast.Attribute)
        and name in MESSAGE_FUNCTIONS
        and isinstance(function.value, ast.Name)
        and function.value.id == "messages"
    ):
        position = 2 if name == "add_message" else 1
        for argument in call.args[position : position + 1]:
            yield argument, f"messages.{name}"
        for keyword in call.keywords:
            if keyword.arg == "message":
                yield keyword.value, f"messages.{name}"


def untranslated_in_python(source: str) -> list[Finding]:
    """Form labels, help texts and errors, and user messages, given as plain strings."""
    tree = ast.parse(source)
    uses_forms = any(
        isinstance(node, ast.ImportFrom)
        and node.module == "django"
        and any(alias.name == "forms" for alias in node.names)
        for node in ast.walk(tree)
    )
    findings = [
        Finding(argument.lineno, ast.unparse(argument), where)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        for argument, where in _shown_arguments(node, uses_forms)
        if _is_plain_text(argument)
    ]
    return sorted(findings, key=lambda finding: finding.line)


def test_it_reports_plain_form_labels_and_messages_in_python() -> None:
    source = (
        "from django import forms\nfrom django.contrib import messages\n"
        "from django.utils.translation import gettext as _\n"
        "name = forms.CharField(label='Your name', help_text=_('As on your passport.'))\n"
        "messages.success(request, f'Saved {thing}.')\n"
        "messages.info(request, _('Fine.'))\n"
        "messages.error(request, error.message)\n"
        "messages.warning(request, '%(n)s left' % {'n': 3})\n"
        "raise forms.ValidationError('Too late.')\n"
        "form.add_error('when', 'Too {}.'.format(early))\n"
        "form.add_error('when', _('Too early.'))\n"
    )

    assert [(finding.line, finding.where) for finding in untranslated_in_python(source)] == [
        (4, "form label"),
        (5, "messages.success"),
        (8, "messages.warning"),
        (9, "ValidationError"),
        (10, "add_error"),
    ]


def test_form_labels_and_user_messages_in_python_are_marked_for_translation() -> None:
    findings = [
        f"{path.relative_to(SOURCE.parent)} {finding}"
        for path in PYTHON_FILES
        for finding in untranslated_in_python(path.read_text(encoding="utf-8"))
    ]

    assert PYTHON_FILES
    assert not findings, "\n".join(findings)


# --- Catalogues -------------------------------------------------------------------------------

LOCALE = SOURCE / "locale"
ENGLISH_CATALOGUE = LOCALE / "en" / "LC_MESSAGES" / "django.po"
PO_KEYWORD = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+(".*")$')


@pytest.fixture
def gettext() -> None:
    """GNU gettext's tools, which Django's makemessages and compilemessages run."""
    missing = [tool for tool in ("xgettext", "msgmerge", "msgfmt") if shutil.which(tool) is None]
    if missing:
        reason = f"needs GNU gettext ({', '.join(missing)}): apt-get install gettext"
        if os.environ.get("CREDSTACK_GETTEXT_TESTS") == "required":
            pytest.fail(reason)
        pytest.skip(reason)


def catalogue_messages(po_text: str) -> set[tuple[str, str, str]]:
    """(context, message, plural message) of every entry of a .po catalogue, but its
    header and obsolete entries."""
    messages: set[tuple[str, str, str]] = set()
    entry: dict[str, str] = {}
    field = ""

    def finish() -> None:
        if entry.get("msgid"):
            messages.add((entry.get("msgctxt", ""), entry["msgid"], entry.get("msgid_plural", "")))
        entry.clear()

    for line in po_text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword = PO_KEYWORD.match(line)
        if keyword is None:
            entry[field] += ast.literal_eval(line)
            continue
        field = keyword.group(1)
        if field in ("msgctxt", "msgid") and any(name.startswith("msgstr") for name in entry):
            finish()
        entry[field] = ast.literal_eval(keyword.group(2))
    finish()
    return messages


def test_it_reads_the_messages_of_a_catalogue() -> None:
    po_text = (
        'msgid ""\nmsgstr ""\n"Language: fr\\n"\n\n'
        '#: web/x.html\nmsgid "Save"\nmsgstr "Enregistrer"\n\n'
        'msgctxt "continue a stopped job"\nmsgid "Resume"\nmsgstr ""\n\n'
        'msgid ""\n"{{ counter }} row "\n"\\"done\\""\nmsgid_plural "{{ counter }} rows"\n'
        'msgstr[0] ""\nmsgstr[1] ""\n\n#~ msgid "Gone"\n#~ msgstr "Parti"\n'
    )

    assert catalogue_messages(po_text) == {
        ("", "Save", ""),
        ("continue a stopped job", "Resume", ""),
        ("", '{{ counter }} row "done"', "{{ counter }} rows"),
    }


def test_the_english_catalogue_holds_exactly_the_messages_of_the_code(
    gettext: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    # makemessages writes next to the templates while it works: it runs on a copy.
    copy = tmp_path / "credstack"
    shutil.copytree(
        SOURCE,
        copy,
        ignore=shutil.ignore_patterns("__pycache__", "locale", "standards", "migrations"),
    )
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(copy)

    call_command("makemessages", locale=["en"], no_obsolete=True, verbosity=0)

    extracted = catalogue_messages((tmp_path / "locale/en/LC_MESSAGES/django.po").read_text())
    committed = catalogue_messages(ENGLISH_CATALOGUE.read_text(encoding="utf-8"))
    assert ("", "Verify a credential", "") in extracted
    missing, vanished = sorted(extracted - committed), sorted(committed - extracted)
    assert not missing and not vanished, (
        "src/credstack/locale/en/LC_MESSAGES/django.po is out of date: run `make messages`.\n"
        f"Not in it: {missing}\nNo longer in the code: {vanished}"
    )


def test_every_catalogue_compiles(gettext: None, tmp_path: Path) -> None:
    catalogues = sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))

    assert ENGLISH_CATALOGUE in catalogues
    for catalogue in catalogues:
        checked = subprocess.run(
            ["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(catalogue)],
            capture_output=True,
            text=True,
        )
        assert checked.returncode == 0, f"{catalogue}: {checked.stderr}"


def test_a_browser_asking_for_a_language_without_a_catalogue_gets_english(client: Any) -> None:
    response = client.get(reverse("verification:verify"), headers={"accept-language": "fr, de"})

    assert response["Content-Language"] == "en"
    assert '<html lang="en"' in response.text
    assert "Verify a credential" in response.text


def test_a_compiled_translation_reaches_the_browsers_asking_for_its_language(
    gettext: None, tmp_path: Path, settings: Any, client: Any
) -> None:
    # What docs/translation.md describes: a catalogue, compiled, its language in LANGUAGES.
    messages_dir = tmp_path / "fr" / "LC_MESSAGES"
    messages_dir.mkdir(parents=True)
    (messages_dir / "django.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n'
        'msgid "Verify a credential"\nmsgstr "Vérifier une attestation"\n',
        encoding="utf-8",
    )
    subprocess.run(
        [
            "msgfmt",
            "--check",
            "-o",
            str(messages_dir / "django.mo"),
            str(messages_dir / "django.po"),
        ],
        check=True,
    )
    settings.LOCALE_PATHS = [tmp_path]
    settings.LANGUAGES = [("en", "English"), ("fr", "Français")]

    french = client.get(
        reverse("verification:verify"), headers={"accept-language": "fr-CH, en;q=0.5"}
    )
    english = client.get(
        reverse("verification:verify"), headers={"accept-language": "de, en;q=0.5"}
    )

    assert french["Content-Language"] == "fr"
    assert '<html lang="fr"' in french.text
    assert "Vérifier une attestation" in french.text
    assert '<html lang="en"' in english.text
    assert "Verify a credential" in english.text
