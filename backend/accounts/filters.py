"""Filters on logins."""

from accounts.models import User
from api.filters import ChoiceFilter, FilterSet
from common.roles import Role


class AccountFilter(FilterSet):
    role = ChoiceFilter(choices=Role.choices)

    class Meta:
        model = User
        fields = ["is_active"]
