"""Reading a bulk-award CSV: encoding, delimiter, header and every row's problems.

Pure functions over a binary stream; nothing here touches the database. The file is read
line by line, so a 100,000-row file needs memory for one line plus the set of emails seen
(to report duplicates), never the whole file.

Accepted encodings: UTF-8 with or without a byte-order mark, and UTF-16 with a
byte-order mark (what Excel's "Unicode text" writes). Legacy 8-bit encodings (cp1252,
latin-1) are refused rather than guessed: a file that is not valid UTF-8 cannot be told
apart from a corrupted one, and a wrongly decoded name would end up signed into a
credential.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any
from urllib.parse import urlsplit

from credstack.common.errors import ValidationFailedError

DEFAULT_MAX_ROWS = 100_000
ACCEPTED_ENCODINGS = "UTF-8 (with or without BOM) or UTF-16 with BOM"
_CHUNK_BYTES = 64 * 1024

MAX_EMAIL_LENGTH = 254
MAX_NAME_LENGTH = 200
MAX_NARRATIVE_LENGTH = 5000
MAX_URL_LENGTH = 2000
MAX_GRADE_LENGTH = 100
# csv's own per-field limit is 128 KiB; nothing legitimate in a row comes near it.
_MAX_FIELD_CHARS = 10_000

REQUIRED_COLUMNS = ("email", "name")
OPTIONAL_COLUMNS = ("narrative", "evidence_url", "grade", "award_date", "expiry")

# Header names, normalised by _normalise_header, and the column each one means.
COLUMN_ALIASES: dict[str, str] = {
    **dict.fromkeys(
        ["email", "e mail", "email address", "e mail address", "mail", "recipient email"],
        "email",
    ),
    **dict.fromkeys(
        ["name", "full name", "fullname", "recipient name", "learner name", "learner"], "name"
    ),
    **dict.fromkeys(["narrative", "note", "notes", "comment", "comments"], "narrative"),
    **dict.fromkeys(["evidence url", "evidence", "evidence link"], "evidence_url"),
    **dict.fromkeys(["grade", "result", "score", "mark"], "grade"),
    **dict.fromkeys(
        ["award date", "awarded", "awarded at", "awarded on", "date awarded", "issue date"],
        "award_date",
    ),
    **dict.fromkeys(
        ["expiry", "expiry date", "expires", "expires on", "expiration", "valid until"],
        "expiry",
    ),
}

_BOMS = (
    (codecs.BOM_UTF8, "utf-8", "UTF-8 with BOM"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 (little-endian) with BOM"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 (big-endian) with BOM"),
)
_DELIMITERS = (",", ";", "\t")
_EMAIL = re.compile(r"^[^@\s\"(),:;<>\[\\\]]+@[^@\s\"(),:;<>\[\\\]]+\.[^@\s\"(),:;<>\[\\\].]+$")
_DOTTED_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


class CsvFormatError(ValidationFailedError):
    """The file as a whole cannot be read (encoding, header, quoting, size)."""

    code = "csv_invalid"

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(message, [message])
        self.line = line


@dataclass(frozen=True)
class RowValues:
    """One valid row, normalised: the email's domain is lower-cased, text is stripped."""

    email: str
    name: str
    narrative: str = ""
    evidence_url: str = ""
    grade: str = ""
    award_date: date | None = None
    expiry: date | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "email": self.email,
            "name": self.name,
            "narrative": self.narrative,
            "evidence_url": self.evidence_url,
            "grade": self.grade,
            "award_date": self.award_date.isoformat() if self.award_date else None,
            "expiry": self.expiry.isoformat() if self.expiry else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RowValues:
        values = dict(data)
        for key in ("award_date", "expiry"):
            values[key] = date.fromisoformat(values[key]) if values.get(key) else None
        return cls(**values)


@dataclass(frozen=True)
class CsvRow:
    """A row as read: ``values`` when it is valid, else ``problems`` says why not."""

    line: int
    raw: dict[str, str]
    values: RowValues | None
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.values is not None


@dataclass(frozen=True)
class CsvLayout:
    encoding: str
    delimiter: str
    header: tuple[str, ...]
    # column name (email, name, ...) -> its index in a row
    columns: dict[str, int] = field(default_factory=dict)
    unknown_columns: tuple[str, ...] = ()


def _normalise_header(name: str) -> str:
    return " ".join(re.split(r"[\s_\-]+", name.strip().lower())).strip()


def _detect_encoding(head: bytes) -> tuple[str, str, int]:
    """(codec, description, BOM length)."""
    for bom, codec, description in _BOMS:
        if head.startswith(bom):
            return codec, description, len(bom)
    return "utf-8", "UTF-8", 0


def _decoded_lines(stream: IO[bytes], codec: str, description: str, skip: int) -> Iterator[str]:
    """The stream's text, one line (with its ending) at a time; an undecodable byte
    raises CsvFormatError naming its line."""
    decoder = codecs.getincrementaldecoder(codec)(errors="strict")
    stream.read(skip)
    pending = ""
    newlines_before = 0  # newlines in the text already yielded
    while True:
        chunk = stream.read(_CHUNK_BYTES)
        final = not chunk
        buffered = decoder.getstate()[0]
        try:
            text = decoder.decode(chunk, final=final)
        except UnicodeDecodeError as error:
            good = codecs.decode((buffered + chunk)[: error.start], codec, errors="ignore")
            line = newlines_before + pending.count("\n") + good.count("\n") + 1
            raise CsvFormatError(
                f"line {line} is not valid {description}: the file must be encoded as "
                f"{ACCEPTED_ENCODINGS} (in Excel: Save As, 'CSV UTF-8')",
                line=line,
            ) from None
        if "\x00" in text:
            # A NUL never occurs in text; PostgreSQL could not store the row anyway.
            line = newlines_before + pending.count("\n") + text[: text.index("\x00")].count("\n")
            raise CsvFormatError(
                f"line {line + 1} holds a NUL character, which a CSV file never does: "
                "is it a spreadsheet (.xlsx) file? In Excel: Save As, 'CSV UTF-8'",
                line=line + 1,
            )
        pending += text
        lines = pending.split("\n")
        pending = lines.pop()
        for line_text in lines:
            newlines_before += 1
            yield line_text + "\n"
        if final:
            if pending:
                yield pending
            return


def _detect_delimiter(header_line: str) -> str:
    counts = {delimiter: header_line.count(delimiter) for delimiter in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _parse_date(value: str) -> date | None:
    """ISO 8601 (2026-06-30) or day.month.year (30.6.2026); slashes are refused because
    06/07/2026 means different days in different countries."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    match = _DOTTED_DATE.match(value)
    if match:
        day, month, year = (int(part) for part in match.groups())
        try:
            return date(year, month, day)
        except ValueError:
            return None
    return None


def normalise_email(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local}@{domain.lower()}"


def email_identity(email: str) -> str:
    """The form two emails are compared in (case-insensitive as people expect)."""
    return email.strip().lower()


def validate_row(
    raw: dict[str, str], *, today: date | None = None
) -> tuple[RowValues | None, list[str]]:
    """Check one row's values (column name -> text); returns the values or the problems."""
    problems: list[str] = []
    email = raw.get("email", "").strip()
    if not email:
        problems.append("email is empty")
    elif len(email) > MAX_EMAIL_LENGTH or not _EMAIL.match(email):
        problems.append(f"invalid email {email[:80]!r}")
    name = " ".join(raw.get("name", "").split())
    if not name:
        problems.append("name is empty")
    elif len(name) > MAX_NAME_LENGTH:
        problems.append(f"name is longer than {MAX_NAME_LENGTH} characters")
    narrative = raw.get("narrative", "").strip()
    if len(narrative) > MAX_NARRATIVE_LENGTH:
        problems.append(f"narrative is longer than {MAX_NARRATIVE_LENGTH} characters")
    evidence_url = raw.get("evidence_url", "").strip()
    if evidence_url:
        parts = urlsplit(evidence_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            problems.append(f"evidence URL {evidence_url[:80]!r} is not an http(s) URL")
        elif len(evidence_url) > MAX_URL_LENGTH:
            problems.append(f"evidence URL is longer than {MAX_URL_LENGTH} characters")
    grade = raw.get("grade", "").strip()
    if len(grade) > MAX_GRADE_LENGTH:
        problems.append(f"grade is longer than {MAX_GRADE_LENGTH} characters")
    dates: dict[str, date | None] = {}
    for column, label in (("award_date", "award date"), ("expiry", "expiry")):
        text = raw.get(column, "").strip()
        dates[column] = _parse_date(text) if text else None
        if text and dates[column] is None:
            problems.append(f"{label} {text[:40]!r} is not a date (use YYYY-MM-DD)")
    award_date, expiry = dates["award_date"], dates["expiry"]
    if award_date and today and award_date > today:
        problems.append(f"award date {award_date.isoformat()} is in the future")
    if expiry and expiry <= (award_date or today or expiry):
        problems.append(f"expiry {expiry.isoformat()} is not after the award date")
    if problems:
        return None, problems
    values = RowValues(
        email=normalise_email(email),
        name=name,
        narrative=narrative,
        evidence_url=evidence_url,
        grade=grade,
        award_date=award_date,
        expiry=expiry,
    )
    return values, []


class BulkCsv:
    """An open bulk-award CSV. Construction reads the header (and raises CsvFormatError
    for a file that cannot be used at all); :meth:`rows` then reads every row once.

    ``max_rows`` bounds the data rows (blank lines do not count); ``today`` enables the
    "award date in the future" check.
    """

    def __init__(
        self, stream: IO[bytes], *, max_rows: int = DEFAULT_MAX_ROWS, today: date | None = None
    ) -> None:
        if max_rows < 1:
            raise ValueError("max_rows must be positive")
        self.max_rows = max_rows
        self.today = today
        head = stream.read(4)
        codec, description, bom_length = _detect_encoding(head)
        if not bom_length and b"\x00" in head:
            raise CsvFormatError(
                "the file looks like UTF-16 without a byte-order mark: the file must be "
                f"encoded as {ACCEPTED_ENCODINGS}",
                line=1,
            )
        stream.seek(0)
        self._lines = _decoded_lines(stream, codec, description, bom_length)
        self._lines_read = 0
        header_line = self._first_non_blank_line()
        delimiter = _detect_delimiter(header_line)
        self._reader = csv.reader(self._counted_lines(), delimiter=delimiter, strict=True)
        header = self._read_header(header_line, delimiter)
        self.layout = self._map_columns(header, description, delimiter)
        self._header_line_number = self._lines_read

    def _first_non_blank_line(self) -> str:
        for line in self._lines:
            self._lines_read += 1
            if line.strip():
                return line
        raise CsvFormatError("the file is empty: the first line must name the columns")

    def _counted_lines(self) -> Iterator[str]:
        for line in self._lines:
            self._lines_read += 1
            yield line

    def _read_header(self, header_line: str, delimiter: str) -> tuple[str, ...]:
        try:
            return tuple(next(csv.reader([header_line], delimiter=delimiter, strict=True)))
        except csv.Error as error:
            raise CsvFormatError(
                f"line {self._lines_read}: cannot read the header: {error}"
            ) from None

    @staticmethod
    def _map_columns(header: tuple[str, ...], encoding: str, delimiter: str) -> CsvLayout:
        columns: dict[str, int] = {}
        unknown: list[str] = []
        for index, name in enumerate(header):
            column = COLUMN_ALIASES.get(_normalise_header(name))
            if column is None:
                if name.strip():
                    unknown.append(name.strip())
                continue
            if column in columns:
                raise CsvFormatError(
                    f"columns {header[columns[column]]!r} and {name!r} both mean {column}: keep one"
                )
            columns[column] = index
        missing = [column for column in REQUIRED_COLUMNS if column not in columns]
        if missing:
            found = ", ".join(repr(name) for name in header) or "nothing"
            raise CsvFormatError(
                f"missing required column(s) {', '.join(missing)}: the first line must name "
                f"the columns email and name (optional: {', '.join(OPTIONAL_COLUMNS)}); "
                f"found {found}"
            )
        return CsvLayout(
            encoding=encoding,
            delimiter=delimiter,
            header=header,
            columns=columns,
            unknown_columns=tuple(unknown),
        )

    def rows(self) -> Iterator[CsvRow]:
        """Every data row in file order, with its first physical line number. Duplicate
        emails (after the first) are reported as problems of the later rows."""
        columns = self.layout.columns
        width = len(self.layout.header)
        seen: dict[str, int] = {}
        count = 0
        while True:
            start = self._lines_read + 1
            try:
                fields = next(self._reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise CsvFormatError(
                    f"line {start}: cannot read the file from here on: {error} "
                    "(an unclosed quote?)",
                    line=start,
                ) from None
            line = start
            if not any(value.strip() for value in fields):
                continue
            count += 1
            if count > self.max_rows:
                raise CsvFormatError(
                    f"the file has more than {self.max_rows:,} rows (line {line}): "
                    "split it into several files",
                    line=line,
                )
            raw = {
                column: fields[index] for column, index in columns.items() if index < len(fields)
            }
            problems: list[str] = []
            if len(fields) > width and any(value.strip() for value in fields[width:]):
                problems.append(
                    f"has {len(fields)} fields but the header names {width} "
                    f"(a stray {self.layout.delimiter!r}?)"
                )
            if any(len(value) > _MAX_FIELD_CHARS for value in fields):
                problems.append(f"a field is longer than {_MAX_FIELD_CHARS} characters")
                raw = {key: value[:_MAX_FIELD_CHARS] for key, value in raw.items()}
            values, value_problems = validate_row(raw, today=self.today)
            problems.extend(value_problems)
            if values is not None and not problems:
                identity = email_identity(values.email)
                if identity in seen:
                    problems.append(
                        f"duplicate email: {values.email} is already on line {seen[identity]}"
                    )
                else:
                    seen[identity] = line
            if problems:
                yield CsvRow(line=line, raw=raw, values=None, problems=tuple(problems))
            else:
                yield CsvRow(line=line, raw=raw, values=values)


def open_bulk_csv(
    stream: IO[bytes], *, max_rows: int = DEFAULT_MAX_ROWS, today: date | None = None
) -> BulkCsv:
    """Open a bulk-award CSV from a seekable binary stream (see :class:`BulkCsv`)."""
    return BulkCsv(stream, max_rows=max_rows, today=today)
