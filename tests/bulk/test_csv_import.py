"""Reading bulk-award CSV files: encodings, delimiters, headers and every row's problems."""

from __future__ import annotations

import codecs
import csv
import io
import tracemalloc
from collections.abc import Iterator
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credstack.bulk.csv_import import CsvFormatError, CsvRow, RowValues, open_bulk_csv

TODAY = date(2026, 11, 22)


def read(data: bytes, **options: object) -> tuple[object, list[CsvRow]]:
    bulk = open_bulk_csv(io.BytesIO(data), today=TODAY, **options)  # type: ignore[arg-type]
    return bulk.layout, list(bulk.rows())


def test_it_reads_a_plain_utf8_file_with_every_column() -> None:
    data = (
        b"email,name,narrative,evidence_url,grade,award_date,expiry\n"
        b"Bob@Example.ORG,Bob Learner,Did well,https://ex.org/e/1,A,2026-06-30,2028-06-30\n"
    )
    _, rows = read(data)
    assert rows == [
        CsvRow(
            line=2,
            raw=rows[0].raw,
            values=RowValues(
                email="Bob@example.org",
                name="Bob Learner",
                narrative="Did well",
                evidence_url="https://ex.org/e/1",
                grade="A",
                award_date=date(2026, 6, 30),
                expiry=date(2028, 6, 30),
            ),
        )
    ]


@pytest.mark.parametrize(
    ("encoded", "encoding"),
    [
        (lambda text: text.encode("utf-8"), "UTF-8"),
        (lambda text: codecs.BOM_UTF8 + text.encode("utf-8"), "UTF-8 with BOM"),
        (lambda text: text.encode("utf-16"), "UTF-16"),
        (lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"), "UTF-16 (big-endian)"),
    ],
)
def test_it_reads_utf8_with_or_without_bom_and_utf16_with_bom(encoded, encoding) -> None:
    text = "E-Mail;Full Name\r\njosé@example.org;José Müller-Łukasiewicz\r\n"
    layout, rows = read(encoded(text))
    assert layout.encoding.startswith(encoding)
    assert layout.delimiter == ";"
    assert [(row.line, row.values.name) for row in rows] == [(2, "José Müller-Łukasiewicz")]


def test_it_names_the_line_of_undecodable_bytes_and_the_accepted_encodings() -> None:
    data = b"email,name\na@example.org,Ann\n" + "b@example.org,Bj\xf6rn\n".encode("cp1252")
    with pytest.raises(CsvFormatError) as raised:
        list(open_bulk_csv(io.BytesIO(data)).rows())
    assert raised.value.line == 3
    assert "line 3 is not valid UTF-8" in raised.value.message
    assert "UTF-16 with BOM" in raised.value.message


def test_it_recognises_utf16_without_a_byte_order_mark() -> None:
    with pytest.raises(CsvFormatError, match="UTF-16 without a byte-order mark"):
        read("email,name\na@example.org,A\n".encode("utf-16-le"))


def test_it_names_the_line_of_a_broken_byte_far_into_a_big_file() -> None:
    lines = [b"email,name\n"] + [f"p{n}@example.org,P {n}\n".encode() for n in range(20_000)]
    lines[15_000] = b"x@example.org,\xff\xfe broken\n"
    with pytest.raises(CsvFormatError) as raised:
        list(open_bulk_csv(io.BytesIO(b"".join(lines))).rows())
    assert raised.value.line == 15_001


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_it_detects_the_delimiter(delimiter: str) -> None:
    data = delimiter.join(["name", "email", "grade"]) + "\n"
    data += delimiter.join(['"Doe, Jane"', "jane@example.org", '"4,5"']) + "\n"
    layout, rows = read(data.encode())
    assert layout.delimiter == delimiter
    assert rows[0].values is not None
    assert rows[0].values.name == "Doe, Jane"


def test_it_matches_headers_case_insensitively_with_aliases_and_reports_unknown_ones() -> None:
    data = (
        b"Recipient_Email,LEARNER NAME,Result,Awarded On,Student number\n"
        b"b@ex.org,B,5,2026-01-02,77\n"
    )
    layout, rows = read(data)
    assert set(layout.columns) == {"email", "name", "grade", "award_date"}
    assert layout.unknown_columns == ("Student number",)
    assert rows[0].values == RowValues("b@ex.org", "B", grade="5", award_date=date(2026, 1, 2))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"mail,grade\na@example.org,5\n", "missing required column(s) name"),
        (b"a@example.org,Ann\n", "missing required column(s) email, name"),
        (b"email,e-mail,name\na@example.org,a@example.org,Ann\n", "both mean email"),
        (b"", "the file is empty"),
        (b"\n\n", "the file is empty"),
    ],
)
def test_it_refuses_a_file_without_the_required_columns(content: bytes, message: str) -> None:
    with pytest.raises(CsvFormatError) as raised:
        read(content)
    assert message in raised.value.message


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("not-an-email,Ann,,", "invalid email 'not-an-email'"),
        (",Ann,,", "email is empty"),
        ("ann@example.org,,,", "name is empty"),
        ("ann@example.org,Ann,ftp://ex.org/x,", "is not an http(s) URL"),
        ("ann@example.org,Ann,javascript:alert(1),", "is not an http(s) URL"),
        ("ann@example.org,Ann,," + "A" * 101, "grade is longer than 100"),
        ("ann@example.org,Ann,,,06/07/2026", "is not a date"),
        ("ann@example.org,Ann,,,2026-02-30", "is not a date"),
        ("ann@example.org,Ann,,,2027-01-01", "is in the future"),
        ("ann@example.org,Ann,,,2026-01-01,2025-01-01", "is not after the award date"),
        ("ann@example.org,Ann,,,,,surplus", "has 7 fields but the header names 6"),
    ],
)
def test_it_reports_each_bad_row_with_its_line_and_why(row: str, problem: str) -> None:
    data = f"email,name,evidence_url,grade,award_date,expiry\nok@example.org,Ok\n{row}\n"
    _, rows = read(data.encode())
    assert rows[0].ok
    assert rows[1].line == 3
    assert not rows[1].ok
    assert any(problem in message for message in rows[1].problems), rows[1].problems


def test_it_accepts_day_month_year_with_dots() -> None:
    _, rows = read(b"email,name,award_date\na@ex.org,A,30.6.2026\n")
    assert rows[0].values is not None
    assert rows[0].values.award_date == date(2026, 6, 30)


def test_it_reports_duplicate_emails_with_the_first_line() -> None:
    data = b"email,name\na@ex.org,A\nb@ex.org,B\n\nA@EX.org,A again\n"
    _, rows = read(data)
    assert [row.line for row in rows] == [2, 3, 5]
    assert rows[2].problems == ("duplicate email: A@ex.org is already on line 2",)


def test_it_counts_lines_inside_quoted_newlines() -> None:
    data = b'email,name,narrative\na@ex.org,A,"two\nlines"\nnot an email,B,\n'
    _, rows = read(data)
    assert rows[0].values is not None
    assert rows[0].values.narrative == "two\nlines"
    assert rows[1].line == 4


def test_it_refuses_an_unclosed_quote_naming_its_line() -> None:
    data = b'email,name\na@ex.org,A\nb@ex.org,"B\n'
    with pytest.raises(CsvFormatError, match="line 3"):
        read(data)


def test_it_stops_at_the_row_limit_with_a_clear_message() -> None:
    data = b"email,name\n" + b"".join(f"p{n}@ex.org,P\n".encode() for n in range(11))
    with pytest.raises(CsvFormatError, match="more than 10 rows"):
        read(data, max_rows=10)
    assert len(read(data, max_rows=11)[1]) == 11


def _big_csv(rows: int) -> Iterator[bytes]:
    yield b"email,name,grade\n"
    for n in range(rows):
        yield f"learner{n}@example.org,Learner {n},{n % 6}\n".encode()


def test_it_parses_100000_rows_one_at_a_time() -> None:
    rows = open_bulk_csv(io.BytesIO(b"".join(_big_csv(100_000)))).rows()
    assert isinstance(rows, Iterator)
    assert sum(1 for row in rows if row.ok) == 100_000


def test_it_holds_one_row_at_a_time_not_the_file() -> None:
    stream = io.BytesIO(b"".join(_big_csv(20_000)))  # allocated before tracing starts
    tracemalloc.start()
    try:
        valid = sum(1 for row in open_bulk_csv(stream).rows() if row.ok)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert valid == 20_000
    # Only the emails seen (for duplicates) accumulate; 20,000 parsed rows would take
    # tens of megabytes.
    assert peak < 6 * 1024 * 1024


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20),
            st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30),
        ),
        max_size=8,
    ),
    st.sampled_from([",", ";", "\t"]),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
)
def test_any_written_csv_reads_back_as_written(rows, delimiter, encoding) -> None:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter)
    writer.writerow(["email", "name", "narrative"])
    for number, (name, narrative) in enumerate(rows):
        writer.writerow([f"p{number}@example.org", name, narrative])
    bulk = open_bulk_csv(io.BytesIO(text.getvalue().encode(encoding)))
    read_rows = list(bulk.rows())
    assert [(row.raw["name"], row.raw["narrative"]) for row in read_rows] == rows


def test_a_row_stored_as_json_comes_back_the_same() -> None:
    values = RowValues(
        email="ann@example.org",
        name="Ann",
        narrative="Led the project",
        evidence_url="https://ex.org/ann",
        grade="A",
        award_date=date(2026, 6, 30),
        expiry=date(2028, 6, 30),
    )
    stored = values.to_json()
    assert set(stored) == set(RowValues.__dataclass_fields__)
    assert stored["award_date"] == "2026-06-30"
    assert RowValues.from_json(stored) == values
    assert RowValues.from_json(RowValues(email="b@ex.org", name="B").to_json()).expiry is None
