"""Who may do what, in one place.

Roles are carried by the user (`user.role`), as the plain strings of `common.roles`;
a Django superuser has every coordinator right. This module reads them without
importing any app.
"""

from typing import TYPE_CHECKING

from rest_framework import permissions

from common.roles import ANONYMOUS, COORDINATOR, is_coordinator, role_of

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView


class IsCoordinatorOrReadOnly(permissions.BasePermission):
    """Anyone may read; only coordinators may write."""

    message = "Only coordinators may change this."

    def allows_anonymous(self, view: "APIView", method: str) -> bool:
        """Read by the schema generator: which operations need no authentication."""
        return method in permissions.SAFE_METHODS

    def has_permission(self, request: "Request", view: "APIView") -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return is_coordinator(request.user)


class IsCoordinator(permissions.BasePermission):
    """Coordinators only."""

    message = "Only coordinators may do this."

    def has_permission(self, request: "Request", view: "APIView") -> bool:
        return is_coordinator(request.user)


class IsAuthenticated(permissions.BasePermission):
    """Any signed-in person or client."""

    message = "Authentication credentials were not provided."

    def has_permission(self, request: "Request", view: "APIView") -> bool:
        return role_of(request.user) != ANONYMOUS


class RolePermission(permissions.BasePermission):
    """Per-action roles, read from the view's `action_roles` mapping.

    `action_roles = {"create": {PROVIDER, COORDINATOR}, "list": ANY, ...}`; an
    action missing from the mapping is for coordinators only. Reads are then
    scoped by the view's queryset, so a foreign object is a 404.
    """

    def roles(self, view: "APIView") -> frozenset[str]:
        action = getattr(view, "action", None)
        return frozenset(getattr(view, "action_roles", {}).get(action, {COORDINATOR}))

    def allows_anonymous(self, view: "APIView", method: str) -> bool:
        return ANONYMOUS in self.roles(view)

    def has_permission(self, request: "Request", view: "APIView") -> bool:
        if getattr(view, "action", None) is None:
            return True  # no such operation: DRF answers 405
        roles = self.roles(view)
        role = role_of(request.user)
        if role == ANONYMOUS and ANONYMOUS not in roles:
            return False  # DRF answers 401 for anonymous callers
        return role in roles
