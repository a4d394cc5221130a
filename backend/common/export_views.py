"""Lists that can be downloaded as spreadsheets: `?format=csv` or `?format=xlsx`.

The export runs the list's own queryset through the list's own filters, search and
ordering, so it holds exactly the rows the JSON pages hold for the same caller, in
one query streamed in chunks whatever its size.
"""

from collections.abc import Iterator
from typing import Any

from django.db.models import F, QuerySet, TextField, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language
from rest_framework import exceptions
from rest_framework.request import Request

from common.exports import FORMATS, Column, export_response

CHUNK = 2000


def translated(lookup: str) -> Combinable:
    """A translated text of a related object, in the active language (French when empty)."""
    if (get_language() or "fr").startswith("en"):
        return Coalesce(
            NullIf(F(f"{lookup}_en"), Value("")), F(f"{lookup}_fr"), output_field=TextField()
        )
    return F(f"{lookup}_fr")


class ExportMixin:
    """Adds the spreadsheet formats to a list view.

    A view names its `export_columns` (keys are `values()` lookups or names of
    `export_annotations`) and its `export_filename`.
    """

    export_columns: list[Column]
    export_filename: str

    def export_annotations(self) -> dict[str, Any]:
        """Computed columns (translated names, …), evaluated in the export's query."""
        return {}

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        file_format = request.query_params.get("format", "json")
        if file_format == "json":
            return super().list(request, *args, **kwargs)  # type: ignore[misc]
        if file_format not in FORMATS:
            raise exceptions.ValidationError(
                {"format": [f"Choose json, csv or xlsx, not {file_format!r}."]},
                code="invalid_choice",
            )
        self.check_paging(request)
        queryset = self.filter_queryset(self.get_queryset())  # type: ignore[attr-defined]
        return export_response(
            self.export_rows(queryset),
            self.export_columns,
            filename=self.export_filename,
            file_format=file_format,
        )

    def check_paging(self, request: Request) -> None:
        """An export holds every row, but its paging parameters are checked as the JSON
        list checks them: a bad page size is a 400, a page that is not a number a 404."""
        paginator = getattr(self, "paginator", None)
        if paginator is None:
            return
        paginator.get_page_size(request)
        page_param = getattr(paginator, "page_query_param", None)
        page = request.query_params.get(page_param) if page_param else None
        if page is not None and (not page.isdigit() or int(page) < 1):
            raise exceptions.NotFound("Invalid page.")

    def export_rows(self, queryset: QuerySet[Any]) -> Iterator[dict[str, Any]]:
        annotations = self.export_annotations()
        keys = [column.key for column in self.export_columns]
        rows = queryset.prefetch_related(None).annotate(**annotations).values(*keys)
        return rows.iterator(chunk_size=CHUNK)
