"""Filters on logins."""

from accounts.models import Role, User
from api.filters import ChoiceFilter, FilterSet


class AccountFilter(FilterSet):
    role = ChoiceFilter(choices=Role.choices)

    class Meta:
        model = User
        fields = ["is_active"]
