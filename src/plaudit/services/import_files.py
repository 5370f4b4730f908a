"""An uploaded spreadsheet read into its header row and its cells, all as text: a CSV file
(UTF-8 with or without a byte order mark, its delimiter a comma, a semicolon or a tab, found
from the header row) or the first sheet of an XLSX workbook (openpyxl, read-only, the values
the cells show). Anything else, or a file past the limits, is refused with a message for the
person who uploaded it."""

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

MAX_COLUMNS = 100
MAX_CELL = 10_000
# An XLSX file is a zip: what it unpacks to is bounded too, so a small file cannot make the
# reader hold gigabytes (a "zip bomb").
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
DELIMITERS = (",", ";", "\t")
TYPES = (".csv", ".xlsx")


class FileRefused(Exception):
    """The upload cannot be imported; the message says why, for a person to act on."""


@dataclass(frozen=True)
class Sheet:
    columns: list[str]
    rows: list[list[str]]


def read(filename: str, data: bytes, *, max_rows: int) -> Sheet:
    """`data`, named `filename`, as a header row and at most `max_rows` rows of text. Blank
    rows at the end are left out; blank rows in between are kept, so that each row keeps the
    number the spreadsheet shows it under."""
    extension = filename.lower().rpartition(".")[2]
    if extension == "csv":
        lines = _csv_rows(data)
    elif extension == "xlsx":
        lines = _xlsx_rows(data)
    else:
        raise FileRefused("Upload a .csv or .xlsx file (an .xls file: save it as .xlsx first).")
    return _sheet(lines, max_rows)


def _sheet(lines: Iterable[list[str]], max_rows: int) -> Sheet:
    iterator = iter(lines)
    header = next(iterator, None)
    if header is None or not any(cell.strip() for cell in header):
        raise FileRefused("The file is empty: its first row must name the columns.")
    header = _trimmed(header)
    if any("\x00" in cell for cell in header):
        raise FileRefused("The header row holds binary data.")
    if len(header) > MAX_COLUMNS:
        raise FileRefused(f"The file has more than {MAX_COLUMNS} columns.")
    columns = [cell.strip() or f"Column {index + 1}" for index, cell in enumerate(header)]
    rows: list[list[str]] = []
    blank_run = 0  # blank rows seen since the last row with a value: kept only if one follows
    for number, line in enumerate(iterator, start=2):
        cells = _trimmed(line)
        if not cells:
            blank_run += 1
            continue
        if len(cells) > len(columns):
            raise FileRefused(f"Row {number} has more cells than the header row names columns.")
        for index, cell in enumerate(cells):
            if "\x00" in cell:
                raise FileRefused(f"Row {number}, column {columns[index]}: binary data in a cell.")
            if len(cell) > MAX_CELL:
                raise FileRefused(
                    f"Row {number}, column {columns[index]}: a cell holds more than "
                    f"{MAX_CELL} characters."
                )
        rows.extend([""] * len(columns) for _ in range(blank_run))
        blank_run = 0
        rows.append(cells + [""] * (len(columns) - len(cells)))
        if len(rows) > max_rows:
            raise FileRefused(
                f"The file has more than {max_rows:,} rows: split it into smaller files."
            )
    if not rows:
        raise FileRefused("The file has a header row but no rows below it.")
    return Sheet(columns, rows)


def _trimmed(cells: Sequence[str]) -> list[str]:
    """The cells without the empty ones at the end (spreadsheets pad rows with them)."""
    end = len(cells)
    while end and not cells[end - 1].strip():
        end -= 1
    return list(cells[:end])


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(
            "The file is not UTF-8 text. In your spreadsheet, save it as \u201cCSV UTF-8\u201d."
        ) from None
    if "\x00" in text:
        raise FileRefused("The file holds binary data, not CSV text.")
    first_line = text.split("\n", 1)[0]
    delimiter = max(DELIMITERS, key=lambda candidate: _count_cells(first_line, candidate))
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    except csv.Error as error:
        raise FileRefused(f"The file is not readable CSV: {error}.") from None


def _count_cells(line: str, delimiter: str) -> int:
    return len(next(csv.reader([line], delimiter=delimiter), []))


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    refused = FileRefused("The file cannot be read as an .xlsx workbook.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise refused from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise FileRefused("The workbook unpacks to too much data: save it as CSV instead.")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise refused from None
    try:
        if not workbook.worksheets:
            raise refused
        for values in workbook.worksheets[0].iter_rows(values_only=True):
            yield [_text(value) for value in values]
    except (KeyError, ValueError, OSError, zipfile.BadZipFile):
        raise refused from None
    finally:
        workbook.close()


def _text(value: object) -> str:
    """A cell's value as the text it stands for: dates as YYYY-MM-DD (a date-time at midnight
    is a date), whole numbers without a decimal point."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
