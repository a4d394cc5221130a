"""Exports: CSV streamed row by row, XLSX from a temporary file, both safe to open."""

import csv
import io
import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.core.signals import request_finished
from django.db import close_old_connections
from django.http import FileResponse, StreamingHttpResponse
from django.utils import translation

from common.exports import Column, export_response
from common.labels import Label

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

COLUMNS = [
    Column(key="name", header=Label(fr="Nom", en="Name")),
    Column(key="count", header=Label(fr="Nombre", en="Count")),
    Column(key="active", header=Label(fr="Actif", en="Active")),
    Column(key="seen", header=Label(fr="Vu le", en="Seen at")),
    Column(key="day", header=Label(fr="Jour", en="Day")),
    Column(key="tags", header=Label(fr="Étiquettes", en="Tags")),
    Column(key="note", header=Label(fr="Note", en="Note")),
]

ROWS = [
    {
        "name": "Médiathèque",
        "count": 3,
        "active": True,
        "seen": datetime(2026, 3, 14, 8, 0, tzinfo=UTC),
        "day": date(2026, 3, 14),
        "tags": ["web", "mail"],
        "note": None,
    },
    {
        "name": "=SUM(A1)",
        "count": -3,
        "active": False,
        "seen": datetime(2026, 7, 1, 22, 30, tzinfo=UTC),
        "day": date(2026, 7, 2),
        "tags": (),
        "note": "@cmd",
    },
    {
        "name": "=1+1",
        "count": Decimal("1E+2"),
        "active": None,
        "seen": None,
        "day": None,
        "tags": ("a", 1),
        "note": 2.5,
    },
]


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def csv_lines(response: Any) -> list[list[str]]:
    text = body(response).decode("utf-8")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def counting(total: int, pulled: list[int]) -> Iterator[dict[str, Any]]:
    """`total` rows, counting in `pulled[0]` how many were read."""
    for index in range(total):
        pulled[0] += 1
        yield {"name": f"row {index}", "count": index}


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@pytest.fixture(autouse=True)
def paris_time(settings):
    settings.TIME_ZONE = "Europe/Paris"


class TestCsv:
    def test_is_a_utf8_csv_attachment(self):
        response = export_response(ROWS, COLUMNS, filename="providers", file_format="csv")
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == 'attachment; filename="providers.csv"'
        assert body(response).startswith(b'\xef\xbb\xbf"Nom","Nombre","Actif",')

    def test_headers_are_in_french_by_default(self):
        response = export_response([], COLUMNS, filename="providers", file_format="csv")
        assert csv_lines(response) == [
            ["Nom", "Nombre", "Actif", "Vu le", "Jour", "Étiquettes", "Note"]
        ]

    def test_headers_follow_the_language_active_when_the_response_is_built(self):
        with translation.override("en"):
            response = export_response([], COLUMNS, filename="providers", file_format="csv")
        headers = csv_lines(response)[0]
        assert headers == ["Name", "Count", "Active", "Seen at", "Day", "Tags", "Note"]

    def test_rows_are_plain_text_in_local_time(self):
        response = export_response(ROWS, COLUMNS, filename="providers", file_format="csv")
        assert csv_lines(response)[1:] == [
            ["Médiathèque", "3", "true", "2026-03-14 09:00:00", "2026-03-14", "web, mail", ""],
            ["'=SUM(A1)", "-3", "false", "2026-07-02 00:30:00", "2026-07-02", "", "'@cmd"],
            ["'=1+1", "100", "", "", "", "a, 1", "2.5"],
        ]

    def test_lines_end_with_crlf(self):
        response = export_response(ROWS[:1], COLUMNS, filename="providers", file_format="csv")
        assert body(response).decode("utf-8").count("\r\n") == 2

    @pytest.mark.parametrize("text", ["=cmd", "+1", "-x", "@SUM(A1)", "\tx", "\rx"])
    def test_text_that_would_run_as_a_formula_is_quoted(self, text):
        columns = [Column(key="v", header=Label(fr="V", en="V"))]
        response = export_response([{"v": text}], columns, filename="f", file_format="csv")
        assert csv_lines(response)[1] == [f"'{text}"]

    @pytest.mark.parametrize(
        ("text", "written"),
        [
            (" =cmd", "' =cmd"),
            ("  @SUM(A1)", "'  @SUM(A1)"),
            ("\u00a0+1", "'\u00a0+1"),
            ("\n=cmd", "\n'=cmd"),
        ],
    )
    def test_text_that_would_run_as_a_formula_after_spaces_is_quoted(self, text, written):
        columns = [Column(key="v", header=Label(fr="V", en="V"))]
        response = export_response([{"v": text}], columns, filename="f", file_format="csv")
        assert csv_lines(response)[1] == [written]

    @pytest.mark.parametrize("separator", [",", ";"])
    def test_no_cell_is_a_formula_whichever_separator_the_spreadsheet_splits_on(self, separator):
        values = [
            ";=1+1",
            ",=1+1",
            "=1+1",
            "a;=1+1",
            "a,=1+1",
            'a";=1+1',
            "a\n=1+1;@x",
            "x; -2+3",
            "1;+1",
        ]
        columns = [
            Column(key="first", header=Label(fr="A", en="A")),
            Column(key="v", header=Label(fr="V", en="V")),
            Column(key="n", header=Label(fr="N", en="N")),
        ]
        rows = [{"first": value, "v": value, "n": -3} for value in values]
        response = export_response(rows, columns, filename="f", file_format="csv")
        text = body(response).decode("utf-8").removeprefix("\ufeff")
        cells = [
            cell
            for line in csv.reader(io.StringIO(text, newline=""), delimiter=separator)
            for cell in line
        ]
        formulas = [
            cell
            for cell in cells
            if cell.lstrip().startswith(("=", "+", "-", "@")) and not is_number(cell)
        ]
        assert formulas == []
        if separator == ",":
            read = list(csv.reader(io.StringIO(text, newline="")))[1:]
            assert [row[1] for row in read] == [
                ";'=1+1",
                ",'=1+1",
                "'=1+1",
                "a;'=1+1",
                "a,'=1+1",
                "a\";'=1+1",
                "a\n'=1+1;'@x",
                "x;' -2+3",
                "1;'+1",
            ]
            assert {row[2] for row in read} == {"-3"}

    def test_numbers_are_never_quoted(self):
        columns = [Column(key="v", header=Label(fr="V", en="V"))]
        rows: list[dict[str, Any]] = [{"v": -3}, {"v": Decimal("-0.5")}, {"v": -1.25}]
        response = export_response(rows, columns, filename="f", file_format="csv")
        assert csv_lines(response)[1:] == [["-3"], ["-0.5"], ["-1.25"]]

    def test_rows_are_only_read_while_the_response_is(self):
        pulled = [0]
        columns = COLUMNS[:2]
        response = export_response(
            counting(10_000, pulled), columns, filename="f", file_format="csv"
        )
        assert isinstance(response, StreamingHttpResponse)
        assert pulled[0] == 0

        chunks = iter(response)
        assert next(chunks).startswith(b'\xef\xbb\xbf"Nom","Nombre"\r\n')
        assert pulled[0] < 10
        next(chunks)
        assert 0 < pulled[0] < 10_000

        rest = b"".join(chunks)
        assert pulled[0] == 10_000
        assert rest.endswith(b'"row 9999","9999"\r\n')


def load(response: Any) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(body(response)))


class TestXlsx:
    def test_is_an_xlsx_attachment(self):
        response = export_response(ROWS, COLUMNS, filename="providers", file_format="xlsx")
        assert response["Content-Type"] == XLSX_CONTENT_TYPE
        assert response["Content-Disposition"] == 'attachment; filename="providers.xlsx"'

    def test_one_sheet_named_after_the_file_under_a_bold_frozen_header(self):
        response = export_response(ROWS, COLUMNS, filename="providers", file_format="xlsx")
        workbook = load(response)
        assert workbook.sheetnames == ["providers"]
        sheet = workbook.active
        assert [cell.value for cell in sheet[1]] == [
            "Nom",
            "Nombre",
            "Actif",
            "Vu le",
            "Jour",
            "Étiquettes",
            "Note",
        ]
        assert all(cell.font.bold for cell in sheet[1])
        assert sheet.freeze_panes == "A2"

    def test_headers_follow_the_language_active_when_the_response_is_built(self):
        with translation.override("en"):
            response = export_response([], COLUMNS, filename="providers", file_format="xlsx")
        assert next(load(response).active.values)[:2] == ("Name", "Count")

    def test_cells_keep_their_native_types(self):
        response = export_response(ROWS, COLUMNS, filename="providers", file_format="xlsx")
        rows = list(load(response).active.values)[1:]
        assert rows == [
            (
                "Médiathèque",
                3,
                True,
                datetime(2026, 3, 14, 9, 0),
                datetime(2026, 3, 14),
                "web, mail",
                None,
            ),
            (
                "=SUM(A1)",
                -3,
                False,
                datetime(2026, 7, 2, 0, 30),
                datetime(2026, 7, 2),
                None,
                "@cmd",
            ),
            ("=1+1", 100, None, None, None, "a, 1", 2.5),
        ]

    def test_formula_like_text_stays_a_string(self):
        response = export_response(ROWS, COLUMNS, filename="providers", file_format="xlsx")
        cell = load(response).active["A4"]
        assert cell.value == "=1+1"
        assert cell.data_type == "s"

    def test_dates_and_times_are_formatted(self):
        response = export_response(ROWS, COLUMNS, filename="providers", file_format="xlsx")
        sheet = load(response).active
        assert sheet["D2"].number_format == "yyyy-mm-dd hh:mm"
        assert sheet["E2"].number_format == "yyyy-mm-dd"

    def test_columns_are_wide_enough_for_their_values(self):
        response = export_response(ROWS, COLUMNS, filename="providers", file_format="xlsx")
        widths = load(response).active.column_dimensions
        assert widths["D"].width >= len("2026-03-14 09:00")
        assert widths["A"].width >= len("Médiathèque")

    def test_sheet_name_is_a_valid_excel_name(self):
        filename = "a/b:" + "x" * 40
        response = export_response([], COLUMNS, filename=filename, file_format="xlsx")
        assert load(response).sheetnames == ["a_b_" + "x" * 27]

    def test_temporary_file_is_gone_once_the_response_is_closed(self, tmp_path, monkeypatch):
        monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
        response = export_response(ROWS, COLUMNS, filename="providers", file_format="xlsx")
        assert isinstance(response, FileResponse)
        handle = response.file_to_stream
        assert handle is not None
        assert os.fstat(handle.fileno()).st_nlink == 0
        assert list(tmp_path.iterdir()) == []

        # Closing a response sends `request_finished`, which would close the test database's
        # connection; this test is about the file only.
        request_finished.disconnect(close_old_connections)
        try:
            response.close()
        finally:
            request_finished.connect(close_old_connections)
        assert handle.closed
        assert list(tmp_path.iterdir()) == []


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="pdf"):
        export_response(ROWS, COLUMNS, filename="providers", file_format="pdf")
