"""Logins: created by coordinators, signed in with tokens, deactivated; `me/`."""

import pytest

from accounts.models import User
from tests.conftest import client_for
from tests.factories import (
    CoordinatorFactory,
    OrganisationFactory,
    PartnerCentreFactory,
    ProviderFactory,
    ProviderUserFactory,
    TrainerFactory,
    TrainerUserFactory,
    UserFactory,
)

URL = "/api/v1/accounts/"
PASSWORD = "une-phrase-de-passe-longue"


def sign_in(anon, username: str, password: str):  # type: ignore[no-untyped-def]
    return anon.post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json"
    )


@pytest.mark.django_db
class TestCreating:
    def test_a_coordinator_creates_a_provider_login_with_a_password(self, anon):
        provider = ProviderFactory()
        response = client_for(CoordinatorFactory()).post(
            URL,
            {
                "username": "marie",
                "password": PASSWORD,
                "role": "provider",
                "provider": provider.pk,
            },
            format="json",
        )
        assert response.status_code == 201, response.json()
        assert "password" not in response.json()
        assert response.json()["set_password_token"] is None
        tokens = sign_in(anon, "marie", PASSWORD).json()
        me = anon.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {tokens['access']}").json()
        assert me["role"] == "provider"
        assert me["provider"] == {"id": provider.pk, "name": str(provider)}

    def test_without_a_password_a_one_time_token_sets_it(self, anon):
        trainer = TrainerFactory()
        response = client_for(CoordinatorFactory()).post(
            URL,
            {
                "username": "yann",
                "role": "trainer",
                "trainer": trainer.pk,
            },
            format="json",
        )
        token = response.json()["set_password_token"]
        assert token
        assert sign_in(anon, "yann", PASSWORD).status_code == 401
        done = anon.post(
            "/api/v1/auth/set-password/", {"token": token, "password": PASSWORD}, format="json"
        )
        assert done.status_code == 204
        assert sign_in(anon, "yann", PASSWORD).status_code == 200
        again = anon.post(
            "/api/v1/auth/set-password/", {"token": token, "password": PASSWORD}, format="json"
        )
        assert again.status_code == 400
        assert again.json()["errors"][0]["code"] == "invalid_token"
        # The token was shown once: reading the login again does not show it.
        user = User.objects.get(username="yann")
        body = client_for(CoordinatorFactory()).get(f"{URL}{user.pk}/").json()
        assert body["set_password_token"] is None

    @pytest.mark.parametrize(
        ("role", "link", "attr", "code"),
        [
            ("provider", None, "provider", "required_for_role"),
            ("coordinator", "provider", "provider", "not_for_role"),
            ("partner", "office", "partner_centre", "wrong_kind"),
        ],
    )
    def test_a_role_needs_the_right_link(self, role, link, attr, code):
        data = {"username": "x", "password": PASSWORD, "role": role}
        if link == "provider":
            data["provider"] = ProviderFactory().pk
        if link == "office":
            data["partner_centre"] = OrganisationFactory().pk
        response = client_for(CoordinatorFactory()).post(URL, data, format="json")
        assert response.status_code == 400
        assert {(e["attr"], e["code"]) for e in response.json()["errors"]} >= {(attr, code)}
        assert not User.objects.filter(username="x").exists()

    def test_a_partner_login_belongs_to_a_centre(self):
        centre = PartnerCentreFactory()
        response = client_for(CoordinatorFactory()).post(
            URL,
            {
                "username": "centre",
                "password": PASSWORD,
                "role": "partner",
                "partner_centre": centre.pk,
            },
            format="json",
        )
        assert response.status_code == 201
        assert User.objects.get(username="centre").partner_centre == centre

    def test_one_login_per_person(self):
        existing = ProviderUserFactory()
        response = client_for(CoordinatorFactory()).post(
            URL,
            {
                "username": "second",
                "password": PASSWORD,
                "role": "provider",
                "provider": existing.provider.pk,
            },
            format="json",
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "unique"

    def test_a_weak_password_is_refused(self):
        response = client_for(CoordinatorFactory()).post(
            URL,
            {
                "username": "weak",
                "password": "12345678",
                "role": "coordinator",
            },
            format="json",
        )
        assert response.status_code == 400

    @pytest.mark.parametrize("factory", [ProviderUserFactory, TrainerUserFactory])
    def test_other_roles_cannot_manage_logins(self, factory):
        client = client_for(factory())
        assert client.get(URL).status_code == 403
        assert (
            client.post(URL, {"username": "x", "role": "coordinator"}, format="json").status_code
            == 403
        )

    def test_the_role_cannot_be_changed_by_its_owner(self):
        user = ProviderUserFactory()
        response = client_for(user).patch(
            f"{URL}{user.pk}/", {"role": "coordinator"}, format="json"
        )
        assert response.status_code == 403
        user.refresh_from_db()
        assert user.role == "provider"


@pytest.mark.django_db
class TestDeactivating:
    def test_a_deactivated_login_cannot_sign_in_nor_use_its_token(self, anon):
        user = UserFactory(username="leaving", role="coordinator")
        user.set_password(PASSWORD)
        user.save()
        client = client_for(user)
        assert client.get("/api/v1/me/").status_code == 200
        response = client_for(CoordinatorFactory()).post(f"{URL}{user.pk}/deactivate/")
        assert response.status_code == 200
        assert response.json()["is_active"] is False
        assert client.get("/api/v1/me/").status_code == 401
        assert sign_in(anon, "leaving", PASSWORD).status_code == 401

    def test_logins_are_never_deleted(self):
        user = UserFactory()
        response = client_for(CoordinatorFactory()).delete(f"{URL}{user.pk}/")
        assert response.status_code == 405
        assert User.objects.filter(pk=user.pk).exists()


@pytest.mark.django_db
class TestTokens:
    def test_refresh_gives_a_new_access_token(self, anon):
        user = UserFactory(username="refresh")
        user.set_password(PASSWORD)
        user.save()
        tokens = sign_in(anon, "refresh", PASSWORD).json()
        response = anon.post(
            "/api/v1/auth/token/refresh/", {"refresh": tokens["refresh"]}, format="json"
        )
        assert response.status_code == 200
        assert response.json()["access"]

    def test_a_bad_token_is_a_401(self, anon):
        response = anon.get("/api/v1/me/", HTTP_AUTHORIZATION="Bearer not-a-token")
        assert response.status_code == 401
        assert response.json()["errors"][0]["code"] == "token_not_valid"

    def test_me_needs_a_login(self, anon):
        assert anon.get("/api/v1/me/").status_code == 401

    def test_a_superuser_acts_as_a_coordinator(self, superuser_client):
        me = superuser_client.get("/api/v1/me/").json()
        assert me["role"] == "coordinator"
        assert superuser_client.get(URL).status_code == 200


@pytest.mark.django_db
class TestPasswordStorage:
    def test_passwords_are_stored_with_argon2_and_older_hashes_upgraded(self, anon, settings):
        from django.contrib.auth.hashers import make_password

        from config import settings as project

        settings.PASSWORD_HASHERS = project.PASSWORD_HASHERS  # not the tests' fast hasher
        user = ProviderUserFactory(username="argon")
        user.set_password("Correct-horse-battery-9")
        user.save()
        assert user.password.startswith("argon2$argon2id$")
        # A password stored by an older hasher is re-hashed at the next sign-in.
        User.objects.filter(pk=user.pk).update(
            password=make_password("Correct-horse-battery-9", hasher="pbkdf2_sha256")
        )
        response = anon.post(
            "/api/v1/auth/token/", {"username": "argon", "password": "Correct-horse-battery-9"}
        )
        assert response.status_code == 200
        user.refresh_from_db()
        assert user.password.startswith("argon2$argon2id$")


RAW = "Raw-secret-never-stored-42"


def signed_in(anon, username: str, password: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    response = sign_in(anon, username, password)
    assert response.status_code == 200, response.json()
    return response.json()


def me_with(anon, access: str) -> int:  # type: ignore[no-untyped-def]
    return anon.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {access}").status_code


def refresh_with(anon, refresh: str):  # type: ignore[no-untyped-def]
    return anon.post("/api/v1/auth/token/refresh/", {"refresh": refresh}, format="json")


def login_with_password(username: str, **kwargs) -> User:  # type: ignore[no-untyped-def]
    user = UserFactory(username=username, role="coordinator", **kwargs)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.mark.django_db
class TestPasswordsAreNeverWrittenRaw:
    def test_a_password_in_an_account_update_is_refused(self, anon):
        user = login_with_password("patched")
        before = User.objects.get(pk=user.pk).password
        for method in ("patch", "put"):
            body = {"username": "patched", "role": "coordinator", "password": RAW}
            response = getattr(client_for(CoordinatorFactory()), method)(
                f"{URL}{user.pk}/", body, format="json"
            )
            assert response.status_code == 400, response.json()
            assert response.json()["errors"][0] == {
                "code": "read_only",
                "detail": "A password is set only with auth/set-password/.",
                "attr": "password",
            }
        assert User.objects.get(pk=user.pk).password == before
        assert sign_in(anon, "patched", RAW).status_code == 401
        assert sign_in(anon, "patched", PASSWORD).status_code == 200

    def test_no_serializer_writes_a_model_password_raw(self):
        """Every model serializer of the project over a model with a `password` field,
        creating and updating: the value stored is never the raw one."""
        import contextlib
        import importlib

        from django.apps import apps
        from rest_framework.serializers import ModelSerializer

        for config in apps.get_app_configs():
            if (config.module.__file__ or "").find("/backend/") >= 0:
                with contextlib.suppress(ModuleNotFoundError):
                    importlib.import_module(f"{config.name}.serializers")

        def subclasses(cls: type) -> set[type]:
            found = set(cls.__subclasses__())
            return found.union(*(subclasses(sub) for sub in found))

        checked = []
        for serializer_class in subclasses(ModelSerializer):
            meta = getattr(serializer_class, "Meta", None)
            model = getattr(meta, "model", None)
            if model is None or "password" not in {f.name for f in model._meta.fields}:
                continue
            checked.append(serializer_class)
            target = login_with_password(f"target{len(checked)}")
            update = serializer_class(instance=target, data={"password": RAW}, partial=True)
            if update.is_valid():
                update.save()
            create = serializer_class(
                data={"username": f"made{len(checked)}", "password": RAW, "role": "coordinator"}
            )
            if create.is_valid():
                create.save()
            assert not model.objects.filter(password=RAW).exists(), serializer_class
        assert checked, "the accounts serializer at least"


@pytest.mark.django_db
class TestRevocation:
    def test_refresh_rotates_and_a_used_refresh_token_is_refused(self, anon):
        login_with_password("rotating")
        tokens = signed_in(anon, "rotating", PASSWORD)
        first = refresh_with(anon, tokens["refresh"])
        assert first.status_code == 200
        assert first.json()["refresh"] != tokens["refresh"]
        again = refresh_with(anon, tokens["refresh"])
        assert again.status_code == 401
        assert again.json()["errors"][0]["code"] == "token_not_valid"
        assert refresh_with(anon, first.json()["refresh"]).status_code == 200

    def test_logout_revokes_the_refresh_token(self, anon):
        login_with_password("leaving-now")
        tokens = signed_in(anon, "leaving-now", PASSWORD)
        out = anon.post("/api/v1/auth/logout/", {"refresh": tokens["refresh"]}, format="json")
        assert out.status_code == 204
        assert refresh_with(anon, tokens["refresh"]).status_code == 401
        again = anon.post("/api/v1/auth/logout/", {"refresh": tokens["refresh"]}, format="json")
        assert again.status_code == 401

    def test_logout_with_a_bad_token_is_a_401(self, anon):
        response = anon.post("/api/v1/auth/logout/", {"refresh": "not.a.token"}, format="json")
        assert response.status_code == 401
        assert response.json()["errors"][0]["code"] == "token_not_valid"

    def test_a_password_change_revokes_every_token_of_the_login(self, anon):
        user = login_with_password("changing")
        tokens = signed_in(anon, "changing", PASSWORD)
        other = signed_in(anon, "changing", PASSWORD)
        assert me_with(anon, tokens["access"]) == 200
        user = User.objects.get(pk=user.pk)  # as `manage.py changepassword` does
        user.set_password("another-long-phrase-9")
        user.save()
        for pair in (tokens, other):
            assert me_with(anon, pair["access"]) == 401
            assert refresh_with(anon, pair["refresh"]).status_code == 401
        fresh = signed_in(anon, "changing", "another-long-phrase-9")
        assert me_with(anon, fresh["access"]) == 200
        assert refresh_with(anon, fresh["refresh"]).status_code == 200

    def test_a_password_set_with_a_token_revokes_the_tokens_of_before(self, anon):
        from accounts.services import set_password_token

        user = login_with_password("with-token")
        tokens = signed_in(anon, "with-token", PASSWORD)
        done = anon.post(
            "/api/v1/auth/set-password/",
            {
                "token": set_password_token(User.objects.get(pk=user.pk)),
                "password": "another-long-phrase-9",
            },
            format="json",
        )
        assert done.status_code == 204
        assert me_with(anon, tokens["access"]) == 401
        assert refresh_with(anon, tokens["refresh"]).status_code == 401

    def test_a_password_changed_in_the_admin_revokes_the_tokens(self, anon, client):
        user = login_with_password("admin-changed")
        tokens = signed_in(anon, "admin-changed", PASSWORD)
        admin = UserFactory(username="root-admin", is_superuser=True, is_staff=True)
        client.force_login(admin)
        response = client.post(
            f"/admin/accounts/user/{user.pk}/password/",
            {"password1": "another-long-phrase-9", "password2": "another-long-phrase-9"},
        )
        assert response.status_code == 302
        assert me_with(anon, tokens["access"]) == 401
        assert refresh_with(anon, tokens["refresh"]).status_code == 401

    def test_a_hash_upgrade_at_sign_in_revokes_nothing(self, anon, settings):
        from django.contrib.auth.hashers import make_password

        settings.PASSWORD_HASHERS = [
            "django.contrib.auth.hashers.MD5PasswordHasher",
            "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        ]
        user = login_with_password("upgraded")
        tokens = signed_in(anon, "upgraded", PASSWORD)
        User.objects.filter(pk=user.pk).update(
            password=make_password(PASSWORD, hasher="pbkdf2_sha256")
        )
        signed_in(anon, "upgraded", PASSWORD)  # re-hashed with the first hasher
        assert User.objects.get(pk=user.pk).password.startswith("md5$")
        assert me_with(anon, tokens["access"]) == 200

    def test_a_deactivated_login_stays_revoked_once_reactivated(self, anon):
        user = login_with_password("paused-login")
        tokens = signed_in(anon, "paused-login", PASSWORD)
        response = client_for(CoordinatorFactory()).post(f"{URL}{user.pk}/deactivate/")
        assert response.status_code == 200
        assert me_with(anon, tokens["access"]) == 401
        assert refresh_with(anon, tokens["refresh"]).status_code == 401
        user = User.objects.get(pk=user.pk)
        user.is_active = True
        user.save()
        assert me_with(anon, tokens["access"]) == 401
        assert refresh_with(anon, tokens["refresh"]).status_code == 401


@pytest.mark.django_db
class TestUsernames:
    def test_usernames_are_stored_normalised_and_signed_in_with_any_form(self, anon):
        response = client_for(CoordinatorFactory()).post(
            URL,
            {"username": "ＭａｒｉＥ", "password": PASSWORD, "role": "coordinator"},
            format="json",
        )
        assert response.status_code == 201, response.json()
        assert response.json()["username"] == "marie"
        assert User.objects.filter(username="marie").exists()
        for typed in ("marie", "MARIE", "ｍａｒｉｅ"):
            assert sign_in(anon, typed, PASSWORD).status_code == 200

    @pytest.mark.parametrize(
        "lookalike",
        ["ａｄｍｉｎ", "ADMIN", "\u0430dmin", "adm\u0456n", "\U0001d41a\U0001d41d\U0001d426in"],
    )
    def test_a_confusable_duplicate_is_refused(self, lookalike):
        UserFactory(username="admin", role="coordinator")
        response = client_for(CoordinatorFactory()).post(
            URL, {"username": lookalike, "password": PASSWORD, "role": "coordinator"}
        )
        assert response.status_code == 400, response.json()
        assert response.json()["errors"][0]["code"] == "unique"
        assert response.json()["errors"][0]["attr"] == "username"
        assert User.objects.filter(username__contains="min").count() == 1

    def test_a_confusable_rename_is_refused(self):
        UserFactory(username="paul", role="coordinator")
        other = UserFactory(username="pierre", role="coordinator")
        response = client_for(CoordinatorFactory()).patch(
            f"{URL}{other.pk}/", {"username": "р\u0430ul"}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "unique"
        assert (
            client_for(CoordinatorFactory())
            .patch(f"{URL}{other.pk}/", {"username": "Pierre"}, format="json")
            .json()["username"]
            == "pierre"
        )

    def test_the_manager_and_the_model_normalise_and_guard_too(self):
        from django.core.exceptions import ValidationError
        from django.db import IntegrityError, transaction

        made = User.objects.create_superuser("ＲＯＯＴ", "root@example.org", PASSWORD)
        assert made.username == "root"
        lookalike = User(username="r\u043eot")  # Cyrillic o
        with pytest.raises(ValidationError) as caught:
            lookalike.full_clean(exclude=["password"])
        assert caught.value.error_dict["username"][0].code == "unique"
        with pytest.raises(IntegrityError), transaction.atomic():
            lookalike.save()

    def test_the_admin_refuses_a_confusable_duplicate(self, client):
        UserFactory(username="admin", role="coordinator")
        client.force_login(UserFactory(username="root-admin", is_superuser=True, is_staff=True))
        response = client.post(
            "/admin/accounts/user/add/",
            {
                "username": "\u0430dmin",
                "password1": "another-long-phrase-9",
                "password2": "another-long-phrase-9",
                "usable_password": "true",
            },
        )
        assert response.status_code == 200  # the form again, with its error
        assert "A login with a username like this exists." in response.content.decode()
        assert list(User.objects.filter(username_key="admin").values_list("username")) == [
            ("admin",)
        ]


@pytest.mark.django_db
class TestLastLogin:
    def test_a_token_sign_in_records_the_sign_in(self, anon):
        user = login_with_password("recorded")
        assert User.objects.get(pk=user.pk).last_login is None
        signed_in(anon, "recorded", PASSWORD)
        assert User.objects.get(pk=user.pk).last_login is not None

    def test_an_admin_sign_in_records_the_sign_in(self, client):
        user = login_with_password("admin-recorded", is_staff=True)
        response = client.post(
            "/admin/login/", {"username": "admin-recorded", "password": PASSWORD}
        )
        assert response.status_code == 302
        assert User.objects.get(pk=user.pk).last_login is not None


@pytest.mark.django_db
def test_a_save_of_a_copy_read_before_a_revocation_does_not_bring_tokens_back(anon):
    user = login_with_password("stale-copy")
    tokens = signed_in(anon, "stale-copy", PASSWORD)
    stale = User.objects.get(pk=user.pk)  # read by another request, before the change
    fresh = User.objects.get(pk=user.pk)
    fresh.set_password("another-long-phrase-9")
    fresh.save()
    stale.email = "new@example.org"
    stale.save()
    assert User.objects.get(pk=user.pk).token_generation == fresh.token_generation
    assert me_with(anon, tokens["access"]) == 401
    assert refresh_with(anon, tokens["refresh"]).status_code == 401


@pytest.mark.django_db(transaction=True)
def test_the_migration_normalises_existing_usernames_and_renames_look_alikes():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("accounts", "0002_user_partner_centre_user_provider_user_trainer_and_more")]
    after = [("accounts", "0003_tokens_and_username_key")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps.get_model("accounts", "User")
        for name in ("Marie", "marie", "\u0430dmin", "admin", "ＰＡＵＬ"):
            old.objects.create(username=name, password="!")
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        new = executor.loader.project_state(after).apps.get_model("accounts", "User")
        names = dict(new.objects.values_list("pk", "username"))
        keys = set(new.objects.values_list("username_key", flat=True))
    finally:
        MigrationExecutor(connection).migrate(
            MigrationExecutor(connection).loader.graph.leaf_nodes()
        )
    pks = sorted(names)
    assert [names[pk] for pk in pks] == [
        "marie",
        f"marie-{pks[1]}",
        "\u0430dmin",
        f"admin-{pks[3]}",
        "paul",
    ]
    assert len(keys) == 5
