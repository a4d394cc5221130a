"""Logins and the role each one plays in the programme."""

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from accounts.usernames import normalize, skeleton
from common.roles import Role


class LoginManager(UserManager["User"]):
    """Logins, found by their username in any form it is typed (see accounts.usernames)."""

    def get_by_natural_key(self, username: str | None) -> "User":
        return self.get(username=normalize(username or ""))

    def lookalike_exists(self, username: str, *, other_than: int | None = None) -> bool:
        """Whether another login's username looks like this one (the same skeleton)."""
        same = self.filter(username_key=skeleton(username))
        if other_than is not None:
            same = same.exclude(pk=other_than)
        return same.exists()


class User(AbstractUser):
    """A person's login; `role` says what they may do (superusers may do everything).

    A provider login belongs to a provider, a trainer login to a trainer, a
    partner login to a partner centre; a coordinator login to none of them.

    The username is stored normalised, and `username_key`, its skeleton, is unique: no two
    logins look alike (accounts.usernames). `token_generation` is written into every
    signed token; it goes up when the password changes (by any path: the API, the admin,
    `manage.py changepassword`) or the login is deactivated, and a token of an older
    generation is refused from the next request on (api.authentication).
    """

    role = models.CharField("rôle", max_length=20, choices=Role.choices, default=Role.PROVIDER)
    provider = models.OneToOneField(
        "people.Provider",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="user",
        verbose_name="prestataire",
    )
    trainer = models.OneToOneField(
        "people.Trainer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="user",
        verbose_name="formateur·rice",
    )
    partner_centre = models.ForeignKey(
        "people.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name="centre partenaire",
    )
    username_key = models.CharField(
        "forme de comparaison", max_length=150, unique=True, editable=False
    )
    token_generation = models.PositiveIntegerField(
        "génération des jetons", default=0, editable=False
    )

    objects: ClassVar[LoginManager] = LoginManager()

    # Set when the password is made unusable, until the next save.
    _password_dropped = False

    class Meta:
        verbose_name = "compte"
        verbose_name_plural = "comptes"
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=Role.values), name="accounts_user_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(provider__isnull=True) | Q(role=Role.PROVIDER),
                name="accounts_user_provider_only_for_providers",
            ),
            models.CheckConstraint(
                condition=Q(trainer__isnull=True) | Q(role=Role.TRAINER),
                name="accounts_user_trainer_only_for_trainers",
            ),
            models.CheckConstraint(
                condition=Q(partner_centre__isnull=True) | Q(role=Role.PARTNER),
                name="accounts_user_centre_only_for_partners",
            ),
        ]

    @classmethod
    def normalize_username(cls, username: Any) -> Any:
        return normalize(username) if isinstance(username, str) else username

    def clean(self) -> None:
        super().clean()
        if User.objects.lookalike_exists(self.username, other_than=self.pk):
            raise ValidationError(
                {"username": ValidationError("A login with a username like this exists.", "unique")}
            )

    def set_unusable_password(self) -> None:
        super().set_unusable_password()
        self._password_dropped = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Store the username normalised, and revoke every token of the login when its
        password changed (a hash upgrade at sign-in is no change) or it is deactivated."""
        update_fields = kwargs.get("update_fields")
        written = None if update_fields is None else set(update_fields)
        self.username = self.normalize_username(self.username)
        self.username_key = skeleton(self.username)
        if written is not None and "username" in written:
            written.add("username_key")
        if not self._state.adding:
            # The generation is written only when it goes up, from the stored one: a save
            # of a copy read before a revocation never brings the revoked tokens back.
            if written is None:
                written = {field.name for field in self._meta.concrete_fields}
                written.discard(self._meta.pk.name)
            written.discard("token_generation")
            # Set by set_password until the save; cleared by a hash upgrade at sign-in.
            password_changed = getattr(self, "_password", None) is not None
            deactivated = not self.is_active and "is_active" in written
            if password_changed or self._password_dropped or deactivated:
                stored = User.objects.filter(pk=self.pk).values_list("token_generation")
                self.token_generation = (stored.first() or (0,))[0] + 1
                written.add("token_generation")
        if written is not None:
            kwargs["update_fields"] = written
        super().save(*args, **kwargs)
        self._password_dropped = False


class SignInFailure(models.Model):
    """Failed sign-ins of one username from one address, while no cache is shared by every
    process (no `REDIS_URL`): counted here, by one atomic statement per attempt."""

    key = models.CharField(max_length=64, unique=True)
    count = models.PositiveIntegerField()
    window_ends = models.BigIntegerField(help_text="Unix time when the count starts anew.")

    class Meta:
        verbose_name = "échecs de connexion"
        verbose_name_plural = "échecs de connexion"

    def __str__(self) -> str:
        return f"{self.count} échec(s)"
