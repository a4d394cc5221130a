"""Spreadsheet downloads: rows of plain values served as CSV or XLSX, in constant memory.

CSV is streamed: rows are pulled from the iterable only as the client reads the response.
An XLSX file is a zip archive and cannot be sent before it is complete, so it is written in
XlsxWriter's constant-memory mode to an anonymous temporary file, then served from disk.
"""

import csv
import io
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import Decimal
from typing import IO, Any

from django.http import FileResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.http import content_disposition_header
from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from common.labels import Label

FORMATS = ("csv", "xlsx")

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

CSV_CHUNK_CHARS = 64 * 1024
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Inside a field, where a reader that ignores the quoting (or splits on the other
# separator) would start a new cell: after a `,`, a `;` or a line break, then spaces
# or quotes, a formula sign gets a `'` right after the separator.
FORMULA_AFTER_SEPARATOR = re.compile(r"(?<=[,;\r\n])(?=[\s\"]*[=+\-@])")

XLSX_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "remove_timezone": True,
}
XLSX_MAX_ROWS = 1_048_576
XLSX_MAX_COLUMN_WIDTH = 50
SHEET_NAME_MAX_LENGTH = 31
SHEET_NAME_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))

Cell = None | bool | int | float | Decimal | datetime | date | str


@dataclass(frozen=True)
class Column:
    """One column of an export: the row key its values come from, and its header."""

    key: str
    header: Label


def export_response(
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[Column],
    *,
    filename: str,
    file_format: str,
) -> HttpResponseBase:
    """A download of `rows` as `<filename>.csv` or `<filename>.xlsx`, one column per `columns`.

    Headers use the language active now and datetimes the time zone active now, even though
    CSV rows are only read later, while the response is sent.
    """
    headers = [str(column.header) for column in columns]
    keys = [column.key for column in columns]
    zone = timezone.get_current_timezone()
    if file_format == "csv":
        return _csv_response(rows, keys, headers, zone, filename)
    if file_format == "xlsx":
        return _xlsx_response(rows, keys, headers, zone, filename)
    raise ValueError(f"Unknown export format {file_format!r}; expected one of {FORMATS}.")


def _cells(row: Mapping[str, Any], keys: Sequence[str], zone: tzinfo) -> list[Cell]:
    """The values of `row` under `keys`, as spreadsheet cells (a missing key is empty)."""
    return [_cell(row.get(key), zone) for key in keys]


def _cell(value: Any, zone: tzinfo) -> Cell:
    """`value` as a type a spreadsheet cell holds: lists become text, datetimes local time."""
    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, datetime):
        return _local_naive(value, zone)
    if isinstance(value, date):
        return value
    if isinstance(value, list | tuple):
        return ", ".join(_text(_cell(item, zone)) for item in value)
    return str(value)


def _local_naive(moment: datetime, zone: tzinfo) -> datetime:
    """An aware `moment` as wall-clock time in `zone`; a naive one is taken as already local."""
    if timezone.is_naive(moment):
        return moment
    return timezone.localtime(moment, zone).replace(tzinfo=None)


def _text(cell: Cell) -> str:
    """`cell` as plain text, the way it reads in a CSV file."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, Decimal):
        return format(cell, "f")
    if isinstance(cell, datetime):
        return cell.isoformat(sep=" ", timespec="seconds")
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell)


def _csv_response(
    rows: Iterable[Mapping[str, Any]],
    keys: Sequence[str],
    headers: Sequence[str],
    zone: tzinfo,
    filename: str,
) -> StreamingHttpResponse:
    """A streamed CSV download; `rows` is first read when the response body is."""
    response = StreamingHttpResponse(
        _csv_chunks(rows, keys, headers, zone), content_type=CSV_CONTENT_TYPE
    )
    disposition = content_disposition_header(as_attachment=True, filename=f"{filename}.csv")
    response["Content-Disposition"] = disposition or "attachment"
    return response


def _csv_chunks(
    rows: Iterable[Mapping[str, Any]], keys: Sequence[str], headers: Sequence[str], zone: tzinfo
) -> Iterator[bytes]:
    """The CSV file in pieces: byte-order mark and header line, then rows by about 64 KiB."""
    buffer = io.StringIO()
    # Every field quoted: a separator inside a field never splits it, whether the
    # spreadsheet splits on `,` or, as in French locales, on `;`.
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)
    buffer.write("\ufeff")
    writer.writerow(headers)
    yield _drain(buffer)
    for row in rows:
        writer.writerow([_csv_field(cell) for cell in _cells(row, keys, zone)])
        if buffer.tell() >= CSV_CHUNK_CHARS:
            yield _drain(buffer)
    if buffer.tell():
        yield _drain(buffer)


def _drain(buffer: io.StringIO) -> bytes:
    """The text written to `buffer` so far, as UTF-8; `buffer` is left empty."""
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text.encode("utf-8")


def _csv_field(cell: Cell) -> str:
    """`cell` as CSV text; text a spreadsheet would run as a formula, even after leading
    spaces or after a separator inside the text, is quoted with `'`."""
    text = _text(cell)
    if not isinstance(cell, str):
        return text
    text = FORMULA_AFTER_SEPARATOR.sub("'", text)
    if text.startswith(FORMULA_PREFIXES) or text.lstrip().startswith(FORMULA_PREFIXES):
        return f"'{text}"
    return text


def _xlsx_response(
    rows: Iterable[Mapping[str, Any]],
    keys: Sequence[str],
    headers: Sequence[str],
    zone: tzinfo,
    filename: str,
) -> FileResponse:
    """An XLSX download, built before returning; its temporary file goes when it is closed."""
    with ExitStack() as on_error:
        handle = on_error.enter_context(tempfile.TemporaryFile(suffix=".xlsx"))
        _write_workbook(handle, rows, keys, headers, zone, filename)
        handle.seek(0)
        on_error.pop_all()
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )


def _write_workbook(
    handle: IO[bytes],
    rows: Iterable[Mapping[str, Any]],
    keys: Sequence[str],
    headers: Sequence[str],
    zone: tzinfo,
    filename: str,
) -> None:
    """Write a one-sheet workbook of `rows` under a bold, frozen header row to `handle`."""
    with Workbook(handle, XLSX_OPTIONS) as workbook:
        sheet = _Sheet(
            worksheet=workbook.add_worksheet(_sheet_name(filename)),
            bold=workbook.add_format({"bold": True}),
            datetime_format=workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
            date_format=workbook.add_format({"num_format": "yyyy-mm-dd"}),
        )
        sheet.write_header(headers)
        widths = [len(header) for header in headers]
        for index, row in enumerate(rows, start=1):
            widths = sheet.write_row(index, _cells(row, keys, zone), widths)
        sheet.set_widths(widths)


def _sheet_name(filename: str) -> str | None:
    """`filename` made a valid Excel sheet name; None (Excel's default name) if nothing is left."""
    name = filename.translate(SHEET_NAME_FORBIDDEN)[:SHEET_NAME_MAX_LENGTH].strip("'")
    return name or None


@dataclass(frozen=True)
class _Sheet:
    """A worksheet with the cell formats the export uses."""

    worksheet: Worksheet
    bold: Format
    datetime_format: Format
    date_format: Format

    def write_header(self, headers: Sequence[str]) -> None:
        """Write `headers` in bold on the first row, and keep that row in view when scrolling."""
        for col, header in enumerate(headers):
            self.worksheet.write_string(0, col, header, self.bold)
        self.worksheet.freeze_panes(1, 0)

    def write_row(self, index: int, cells: Sequence[Cell], widths: list[int]) -> list[int]:
        """Write `cells` on row `index`; the column widths grown to fit them."""
        if index >= XLSX_MAX_ROWS:
            raise ValueError(f"An XLSX sheet holds at most {XLSX_MAX_ROWS - 1} rows of data.")
        for col, cell in enumerate(cells):
            self.write_cell(index, col, cell)
        return [max(width, len(_text(cell))) for width, cell in zip(widths, cells, strict=True)]

    def write_cell(self, row: int, col: int, cell: Cell) -> None:
        """Write `cell` as its native Excel type; text is always a string, never a formula."""
        if cell is None or cell == "":
            return
        if isinstance(cell, bool):
            self.worksheet.write_boolean(row, col, cell)
        elif isinstance(cell, int | float | Decimal):
            self.worksheet.write_number(row, col, float(cell))
        elif isinstance(cell, datetime):
            self.worksheet.write_datetime(row, col, cell, self.datetime_format)
        elif isinstance(cell, date):
            self.worksheet.write_datetime(row, col, cell, self.date_format)
        else:
            self.worksheet.write_string(row, col, cell)

    def set_widths(self, widths: Sequence[int]) -> None:
        """Size each column to `widths` characters plus a margin, within a maximum."""
        for col, width in enumerate(widths):
            self.worksheet.set_column(col, col, min(width + 2, XLSX_MAX_COLUMN_WIDTH))
