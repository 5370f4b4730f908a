"""Reading an uploaded spreadsheet (services/import_files.py) and mapping its columns to a
credential's fields (domain/import_mapping.py)."""

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from plaudit.domain import import_mapping
from plaudit.domain.errors import Duplicate, Invalid
from plaudit.domain.import_mapping import MappingProblem
from plaudit.services.import_files import FileRefused, read


def test_a_csv_is_read_with_its_delimiter_and_bom_and_blank_rows_in_place() -> None:
    text = (
        '\ufeffName;Email;Note\r\nAda;ada@example.org;"a; b"\r\n;;\r\n'
        "Bob;bob@example.org\r\n;;\r\n\r\n"
    )
    sheet = read("people.CSV", text.encode(), max_rows=10)
    assert sheet.columns == ["Name", "Email", "Note"]
    # The blank row between keeps Bob on row 4; the blank rows at the end are dropped.
    assert sheet.rows == [
        ["Ada", "ada@example.org", "a; b"],
        ["", "", ""],
        ["Bob", "bob@example.org", ""],
    ]
    assert import_mapping.issuable(sheet.rows) == [0, 2]
    assert import_mapping.spreadsheet_row(2) == 4


def _workbook(*rows: list[object]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.create_sheet("Ignored").append(["x"])
    data = io.BytesIO()
    workbook.save(data)
    return data.getvalue()


def test_an_xlsx_first_sheet_is_read_as_text() -> None:
    data = _workbook(
        ["Name", "Issued", "Score", "Passed", None],
        ["Ada", datetime(2026, 3, 1), 12.0, True, None],
        ["Bob", date(2026, 3, 2), 9.5, False],
    )
    found = read("people.xlsx", data, max_rows=10)
    assert found.columns == ["Name", "Issued", "Score", "Passed"]
    assert found.rows == [
        ["Ada", "2026-03-01", "12", "TRUE"],
        ["Bob", "2026-03-02", "9.5", "FALSE"],
    ]
    with pytest.raises(FileRefused, match="Row 2 has more cells than the header"):
        read("people.xlsx", _workbook(["Name"], ["Ada", "extra"]), max_rows=10)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("a.xls", b"whatever", "Upload a .csv or .xlsx"),
        ("a.csv", b"", "empty"),
        ("a.csv", b"Name\n" + b"x\n" * 4, "more than 3 rows"),
        ("a.csv", b"Name\nA,B\n", "more cells than the header"),
        ("a.csv", b"Name\nA\x00\n", "binary"),
        ("a.csv", "Name\nJos\u00e9\n".encode("utf-16"), "not UTF-8"),
        ("a.xlsx", b"PK\x03\x04nope", "cannot be read"),
    ],
)
def test_files_that_cannot_be_imported_are_refused(name: str, data: bytes, message: str) -> None:
    with pytest.raises(FileRefused, match=message):
        read(name, data, max_rows=3)


def test_the_mapping_is_guessed_from_the_header_names() -> None:
    mapping = import_mapping.guess(["E-mail", "Full Name", "Date", "Expires", "Score", "Team"])
    assert mapping == {
        "recipient_name": 1,
        "recipient_email": 0,
        "issued_on": 2,
        "expired_on": 3,
        "grade": 4,
        "custom": [],
    }


def test_the_choices_of_the_form_make_a_mapping_or_say_what_is_wrong() -> None:
    columns = ["Name", "Email", "Team", "Email 2"]
    mapping = import_mapping.from_choices(
        columns, ["recipient_name", "recipient_email", "custom", ""], ["", "", "Squad", ""]
    )
    assert mapping == {
        **import_mapping.empty_mapping(),
        "recipient_name": 0,
        "recipient_email": 1,
        "custom": [{"column": 2, "name": "Squad"}],
    }
    problems = import_mapping.from_choices(
        columns, ["recipient_name", "recipient_email", "", "recipient_email"], [""] * 4
    )
    assert problems == [MappingProblem(3, "Recipient email is already taken from column Email.")]
    missing = import_mapping.from_choices(columns, ["recipient_name", "", "", ""], [""] * 4)
    assert missing == [MappingProblem(None, "Choose the column that holds Recipient email.")]


def test_a_row_is_read_through_the_mapping_and_its_errors_land_on_its_cells() -> None:
    columns = ["Name", "Email", "Issued", "Team"]
    mapping = {
        **import_mapping.empty_mapping(),
        "recipient_name": 0,
        "recipient_email": 1,
        "issued_on": 2,
        "custom": [{"column": 3, "name": "Team"}],
    }
    fields = import_mapping.credential_fields(
        [" Ada ", "ada@example.org", "01/03/2026", "Blue"], mapping, 7
    )
    assert not isinstance(fields, Exception)
    assert (fields.recipient.name, fields.issued_on, fields.custom_attributes) == (
        "Ada",
        date(2026, 3, 1),
        {"Team": "Blue"},
    )
    bad_row = ["", "ada@example.org", "next week", ""]
    error = import_mapping.credential_fields(bad_row, mapping, 7)
    assert isinstance(error, Invalid)
    errors = import_mapping.cell_errors(5, bad_row, error, columns, mapping)
    assert [(e.row, e.column) for e in errors] == [(7, "Issued")]
    missing = Invalid(fields={"recipient": ["can't be blank"]})
    assert import_mapping.cell_errors(5, bad_row, missing, columns, mapping)[0].column == "Name"
    taken = Duplicate(fields={"recipient.email": ["has already received a credential"]})
    assert import_mapping.cell_errors(0, bad_row, taken, columns, mapping)[0].column == "Email"
