"""Helpers for selectors."""

from typing import Any

from django.db.models import Prefetch, QuerySet


def prefetch(lookup: str, queryset: QuerySet[Any]) -> Any:
    """A `Prefetch` of `lookup` with its own queryset (typed loosely: the stubs cannot follow)."""
    return Prefetch(lookup, queryset=queryset)
