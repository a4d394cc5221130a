"""Who may do what, in one place.

Roles are carried by the user (`user.role`); a Django superuser has every
coordinator right. This module reads them without importing any app.
"""

from typing import TYPE_CHECKING, Any

from rest_framework import permissions

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView

COORDINATOR = "coordinator"


def is_coordinator(user: Any) -> bool:
    """True for a coordinator login or a superuser."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_superuser or getattr(user, "role", None) == COORDINATOR)


class IsCoordinatorOrReadOnly(permissions.BasePermission):
    """Anyone may read; only coordinators may write."""

    message = "Only coordinators may change this."
    # Read by the schema generator: these methods need no authentication.
    anonymous_methods = ("GET", "HEAD", "OPTIONS")

    def has_permission(self, request: "Request", view: "APIView") -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return is_coordinator(request.user)


class IsCoordinator(permissions.BasePermission):
    """Coordinators only."""

    message = "Only coordinators may do this."

    def has_permission(self, request: "Request", view: "APIView") -> bool:
        return is_coordinator(request.user)
