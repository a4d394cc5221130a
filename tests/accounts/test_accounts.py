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
