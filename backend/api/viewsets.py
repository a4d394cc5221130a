"""Base ViewSets: ids in URLs are integers that fit the database."""

from rest_framework import viewsets

ID_PATTERN = r"[0-9]{1,18}"


class ModelViewSet(viewsets.ModelViewSet):
    """A ModelViewSet whose `{id}` is a number (anything else is a 404 before any query)."""

    lookup_value_regex = ID_PATTERN


class ReadOnlyModelViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = ID_PATTERN
