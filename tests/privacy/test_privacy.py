"""A provider's data: the export holds everything; erasure anonymises, keeps the statistics,
and is safe to run twice; inactive providers are purged after the retention period."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from audit.models import AuditEvent, Redaction
from integrations.models import Participant
from people.models import Provider
from privacy.services import provider_erase
from progress.models import ProviderCompetencyLevel, SelfAssessment
from progress.services import self_assessments_create
from tests.conftest import client_for
from tests.factories import (
    CompetencyFactory,
    CompletionFactory,
    CoordinatorFactory,
    EnrolmentFactory,
    PartnerCentreFactory,
    ProviderUserFactory,
)
from training.models import Completion, Enrolment


@pytest.fixture
def person(db):  # type: ignore[no-untyped-def]
    """A provider with a login, a commented rating, an enrolment, a completion, a partner id."""
    user = ProviderUserFactory(username="marie.kerjean", first_name="Marie", last_name="Kerjean")
    user.set_password("Correct-horse-battery-9")
    user.save()
    provider = user.provider
    provider.phone = "0296000000"
    provider.shares_progress_with_partners = True
    provider.save()
    competency = CompetencyFactory(code="FACEBOOK")
    self_assessments_create(
        provider=provider,
        ratings=[{"competency": competency, "level": 2, "comment": "Je publie chaque semaine"}],
        assessed_at=timezone.now() - dt.timedelta(days=3),
        actor=None,
    )
    EnrolmentFactory(provider=provider)
    CompletionFactory(provider=provider)
    Participant.objects.create(
        partner_centre=PartnerCentreFactory(name="Centre Ouest"),
        external_id="P-77",
        provider=provider,
    )
    return user


class TestExport:
    def test_a_provider_gets_everything_held_about_them(self, person):
        body = client_for(person).get(f"/api/v1/providers/{person.provider.pk}/export/").json()
        assert body["provider"]["email"] == person.provider.email
        assert body["provider"]["phone"] == "0296000000"
        assert body["login"]["username"] == "marie.kerjean"
        assert "password" not in body["login"]
        assert [r["comment"] for r in body["self_assessments"]] == ["Je publie chaque semaine"]
        assert [r["competency__code"] for r in body["levels"]] == ["FACEBOOK"]
        assert len(body["enrolments"]) == 1
        assert len(body["completions"]) == 1
        assert body["partner_ids"] == [
            {"partner_centre__name": "Centre Ouest", "external_id": "P-77"}
        ]

    def test_a_coordinator_may_export_anyone_and_another_provider_no_one(self, person):
        url = f"/api/v1/providers/{person.provider.pk}/export/"
        assert client_for(CoordinatorFactory()).get(url).status_code == 200
        assert client_for(ProviderUserFactory()).get(url).status_code == 404
        assert APIClient().get(url).status_code == 401


class TestErase:
    def erase(self, person):  # type: ignore[no-untyped-def]
        return client_for(CoordinatorFactory()).post(
            f"/api/v1/providers/{person.provider.pk}/erase/"
        )

    def test_the_person_is_anonymised_and_the_statistics_kept(self, person):
        provider_id = person.provider.pk
        token = client_for(person)  # signed in before the erasure
        response = self.erase(person)
        assert response.status_code == 200
        assert response.json()["provider"] == provider_id
        provider = Provider.objects.get(pk=provider_id)
        assert (provider.first_name, provider.last_name) == ("Anonyme", f"#{provider_id}")
        assert provider.email == f"erased-{provider_id}@erased.invalid"
        assert provider.phone == ""
        assert provider.erased_at is not None
        assert not SelfAssessment.objects.filter(provider=provider).exclude(comment="").exists()
        assert not Participant.objects.filter(provider=provider).exists()
        assert not provider.shares_progress_with_partners  # consent withdrawn
        login = User.objects.get(pk=person.pk)
        assert (login.first_name, login.last_name) == ("", "")
        assert not login.is_active
        assert not login.has_usable_password()
        assert login.username == f"erased-{person.pk}"
        assert login.email == ""
        # Nothing of theirs works any more: the token, nor signing in.
        assert token.get("/api/v1/me/").status_code == 401
        signed = APIClient().post(
            "/api/v1/auth/token/",
            {"username": "marie.kerjean", "password": "Correct-horse-battery-9"},
        )
        assert signed.status_code == 401
        # The anonymous facts stay for the statistics.
        assert SelfAssessment.objects.filter(provider=provider, level=2).count() == 1
        assert ProviderCompetencyLevel.objects.filter(provider=provider, level=2).count() == 1
        assert Enrolment.objects.filter(provider=provider).count() == 1
        assert Completion.objects.filter(provider=provider).count() == 1

    def test_erasing_twice_changes_nothing(self, person):
        first = self.erase(person).json()
        trail = list(AuditEvent.objects.order_by("pk").values_list("actor", "changes"))
        again = self.erase(person)
        assert again.status_code == 200
        assert again.json() == first
        # Nor the trail: the anonymous values are not hunted down as the person's (the
        # events after these are the second coordinator's login, made for the call).
        after = list(AuditEvent.objects.order_by("pk").values_list("actor", "changes"))
        assert after[: len(trail)] == trail

    def test_the_trail_keeps_the_erasure_and_none_of_the_persons_values(self, person):
        """Every value erased from the records is gone from the trail too: the login's
        names and e-mails (an older one included), the username in the events the person
        made, their comments; the erasure itself is one event with no value."""
        person.first_name, person.last_name = "Marie", "Kerjean"
        person.email = "marie@ancienne-adresse.example"
        person.save()
        coordinator = CoordinatorFactory()
        client_for(coordinator).patch(
            f"/api/v1/accounts/{person.pk}/", {"email": "m.kerjean@example.org"}, format="json"
        )
        rated = client_for(person).post(
            "/api/v1/self-assessments/",
            {"competency": CompetencyFactory().pk, "level": 3, "comment": "Mes stories marchent"},
            format="json",
        )
        assert rated.status_code == 201, rated.json()
        provider = Provider.objects.get(pk=person.provider.pk)
        erased = [
            "marie.kerjean",
            "Marie",
            "Kerjean",
            "marie@ancienne-adresse.example",
            "m.kerjean@example.org",
            provider.email,
            provider.first_name,
            provider.last_name,
            "0296000000",
            "Je publie chaque semaine",
            "Mes stories marchent",
        ]
        trail = lambda: [  # noqa: E731
            json.dumps([event.actor, event.changes], ensure_ascii=False).casefold()
            for event in AuditEvent.objects.all()
        ]
        assert any("marie.kerjean" in text for text in trail())  # the values were there

        assert (
            client_for(coordinator).post(f"/api/v1/providers/{provider.pk}/erase/").status_code
            == 200
        )

        for value in erased:
            assert not [text for text in trail() if value.casefold() in text], value
        [erasure] = AuditEvent.objects.filter(record_type="people.provider", record_id=provider.pk)
        assert (erasure.action, erasure.changes, erasure.actor_id) == ("erased", {}, coordinator.pk)
        mine = AuditEvent.objects.filter(actor_id=person.pk)
        assert mine.exists()
        assert set(mine.values_list("actor", flat=True)) == {f"erased-{person.pk}"}
        assert not Redaction.objects.exists()
        # Erasing again writes nothing more to the trail.
        count = AuditEvent.objects.count()
        assert (
            client_for(coordinator).post(f"/api/v1/providers/{provider.pk}/erase/").status_code
            == 200
        )
        assert AuditEvent.objects.count() == count

    def test_outside_an_erasure_the_trail_still_refuses_changes(self, person):
        event = AuditEvent.objects.filter(record_type="accounts.user").first()
        assert event is not None
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).update(changes={})
        # An erasure's transaction may rewrite the author and changes, nothing else.
        with transaction.atomic():
            Redaction.objects.create()
            with pytest.raises(DatabaseError), transaction.atomic():
                AuditEvent.objects.filter(pk=event.pk).update(record_id=event.record_id + 1)
            AuditEvent.objects.filter(pk=event.pk).update(actor="rewritten")
            Redaction.objects.all().delete()
        assert AuditEvent.objects.get(pk=event.pk).actor == "rewritten"
        assert AuditEvent.objects.get(pk=event.pk).changes == event.changes

    def test_only_coordinators_erase(self, person):
        url = f"/api/v1/providers/{person.provider.pk}/erase/"
        assert client_for(person).post(url).status_code == 403
        assert Provider.objects.get(pk=person.provider.pk).erased_at is None


class TestPurge:
    def test_providers_inactive_for_the_period_are_erased(self, person, settings):
        quiet = ProviderUserFactory().provider
        long_ago = timezone.now() - dt.timedelta(days=1200)
        Provider.objects.filter(pk=quiet.pk).update(updated_at=long_ago)
        out = StringIO()
        call_command("purge_inactive", "--days", "1095", "--dry-run", stdout=out)
        assert "1 provider(s)" in out.getvalue()
        assert Provider.objects.get(pk=quiet.pk).erased_at is None  # a dry run
        call_command("purge_inactive", "--days", "1095", stdout=StringIO())
        assert Provider.objects.get(pk=quiet.pk).erased_at is not None
        # The active person (a rating three days ago) is kept.
        assert Provider.objects.get(pk=person.provider.pk).erased_at is None
        # An old record with a recent sign-in is active too.
        Provider.objects.filter(pk=person.provider.pk).update(updated_at=long_ago)
        SelfAssessment.objects.filter(provider=person.provider).update(assessed_at=long_ago)
        Enrolment.objects.filter(provider=person.provider).update(updated_at=long_ago)
        Completion.objects.filter(provider=person.provider).update(updated_at=long_ago)
        User.objects.filter(pk=person.pk).update(last_login=timezone.now())
        call_command("purge_inactive", "--days", "1095", stdout=StringIO())
        assert Provider.objects.get(pk=person.provider.pk).erased_at is None
        User.objects.filter(pk=person.pk).update(last_login=long_ago)
        call_command("purge_inactive", "--days", "1095", stdout=StringIO())
        assert Provider.objects.get(pk=person.provider.pk).erased_at is not None

    def test_a_sign_in_through_the_api_keeps_a_quiet_provider(self, person):
        """The sign-in is recorded (`last_login`) and counts as activity."""
        long_ago = timezone.now() - dt.timedelta(days=1200)
        Provider.objects.filter(pk=person.provider.pk).update(updated_at=long_ago)
        SelfAssessment.objects.filter(provider=person.provider).update(assessed_at=long_ago)
        Enrolment.objects.filter(provider=person.provider).update(updated_at=long_ago)
        Completion.objects.filter(provider=person.provider).update(updated_at=long_ago)
        quiet = ProviderUserFactory(username="quiet")
        quiet.set_password("Correct-horse-battery-9")
        quiet.save()
        Provider.objects.filter(pk=quiet.provider.pk).update(updated_at=long_ago)
        User.objects.filter(pk=quiet.pk).update(last_login=long_ago)
        signed_in = APIClient().post(
            "/api/v1/auth/token/",
            {"username": "marie.kerjean", "password": "Correct-horse-battery-9"},
        )
        assert signed_in.status_code == 200
        call_command("purge_inactive", "--days", "1095", stdout=StringIO())
        assert Provider.objects.get(pk=person.provider.pk).erased_at is None
        assert Provider.objects.get(pk=quiet.provider.pk).erased_at is not None

    @pytest.mark.parametrize("recent", ["rating", "enrolment", "completion", "record", "sign-in"])
    def test_each_kind_of_recent_activity_alone_keeps_a_provider(self, person, recent):
        """Everything of the person is old but one thing: that one alone spares them, and
        once it is old too they are purged."""
        long_ago = timezone.now() - dt.timedelta(days=1200)
        lately = timezone.now() - dt.timedelta(days=10)
        provider = person.provider
        Provider.objects.filter(pk=provider.pk).update(updated_at=long_ago)
        SelfAssessment.objects.filter(provider=provider).update(assessed_at=long_ago)
        Enrolment.objects.filter(provider=provider).update(updated_at=long_ago)
        Completion.objects.filter(provider=provider).update(updated_at=long_ago)
        User.objects.filter(pk=person.pk).update(last_login=long_ago)
        recently = {
            "rating": lambda when: SelfAssessment.objects.filter(provider=provider).update(
                assessed_at=when
            ),
            "enrolment": lambda when: Enrolment.objects.filter(provider=provider).update(
                updated_at=when
            ),
            "completion": lambda when: Completion.objects.filter(provider=provider).update(
                updated_at=when
            ),
            "record": lambda when: Provider.objects.filter(pk=provider.pk).update(updated_at=when),
            "sign-in": lambda when: User.objects.filter(pk=person.pk).update(last_login=when),
        }[recent]
        assert recently(lately) >= 1
        call_command("purge_inactive", "--days", "1095", stdout=StringIO())
        assert Provider.objects.get(pk=provider.pk).erased_at is None
        recently(long_ago)
        call_command("purge_inactive", "--days", "1095", stdout=StringIO())
        assert Provider.objects.get(pk=provider.pk).erased_at is not None


class TestExportDocument:
    """The export is the whole document, field for field and in a stable order: each list
    by date, then by id, so two exports of the same records are the same file."""

    def test_every_field_of_every_record_and_their_order(self, db, time_machine):
        from privacy.services import provider_export
        from tests.factories import LearningPathFactory, ModuleCompetencyFactory

        now = timezone.now().replace(microsecond=0)
        time_machine.move_to(now, tick=False)
        user = ProviderUserFactory(username="ewen.morvan", first_name="Ewen", last_name="Morvan")
        User.objects.filter(pk=user.pk).update(last_login=now - dt.timedelta(hours=2))
        provider = user.provider
        path = LearningPathFactory(code="WEB")
        provider.assigned_paths.add(path)
        taught = ModuleCompetencyFactory(competency__code="FACEBOOK", level=3)
        facebook, module = taught.competency, taught.module
        twitter = CompetencyFactory(code="TWITTER")
        # Written in the reverse of their dates: the export orders by date, not by id.
        later = now - dt.timedelta(days=1)
        earlier = now - dt.timedelta(days=5)
        for competency, level, comment, when in (
            (twitter, 1, "", later),
            (facebook, 2, "Une page", earlier),
        ):
            self_assessments_create(
                provider=provider,
                ratings=[{"competency": competency, "level": level, "comment": comment}],
                assessed_at=when,
                actor=None,
            )
        first_rating, second_rating = SelfAssessment.objects.filter(provider=provider).order_by(
            "assessed_at"
        )
        second_enrolment = EnrolmentFactory(provider=provider)
        first_enrolment = EnrolmentFactory(provider=provider, status="cancelled")
        Enrolment.objects.filter(pk=first_enrolment.pk).update(
            created_at=earlier, cancelled_at=later
        )
        second_completion = CompletionFactory(
            provider=provider, module=module, completed_on=later.date()
        )
        first_completion = CompletionFactory(
            provider=provider,
            session=second_enrolment.session,
            module=second_enrolment.session.module,
            completed_on=earlier.date(),
            outcome="absent",
            voided_at=now,
            void_reason="Wrong person",
        )
        provider.refresh_from_db()
        user.refresh_from_db()

        assert provider_export(provider=provider) == {
            "exported_at": now,
            "provider": {
                "id": provider.pk,
                "first_name": provider.first_name,
                "last_name": provider.last_name,
                "email": provider.email,
                "phone": "",
                "business": provider.business.name,
                "shares_progress_with_partners": False,
                "assigned_paths": ["WEB"],
                "created_at": provider.created_at,
                "updated_at": provider.updated_at,
                "erased_at": None,
            },
            "login": {
                "username": "ewen.morvan",
                "email": user.email,
                "first_name": "Ewen",
                "last_name": "Morvan",
                "role": "provider",
                "is_active": True,
                "date_joined": user.date_joined,
                "last_login": now - dt.timedelta(hours=2),
            },
            "self_assessments": [
                {
                    "id": first_rating.pk,
                    "competency__code": "FACEBOOK",
                    "level": 2,
                    "comment": "Une page",
                    "assessed_at": earlier,
                },
                {
                    "id": second_rating.pk,
                    "competency__code": "TWITTER",
                    "level": 1,
                    "comment": "",
                    "assessed_at": later,
                },
            ],
            "levels": [
                {
                    "competency__code": "FACEBOOK",
                    "level": 2,
                    "assessed_at": earlier,
                    "evidenced_level": 3,
                    "target_level": None,
                },
                {
                    "competency__code": "TWITTER",
                    "level": 1,
                    "assessed_at": later,
                    "evidenced_level": None,
                    "target_level": None,
                },
            ],
            "enrolments": [
                {
                    "id": first_enrolment.pk,
                    "session_id": first_enrolment.session_id,
                    "status": "cancelled",
                    "created_at": earlier,
                    "cancelled_at": later,
                },
                {
                    "id": second_enrolment.pk,
                    "session_id": second_enrolment.session_id,
                    "status": "enrolled",
                    "created_at": now,
                    "cancelled_at": None,
                },
            ],
            "completions": [
                {
                    "id": first_completion.pk,
                    "module__code": second_enrolment.session.module.code,
                    "session_id": second_enrolment.session_id,
                    "outcome": "absent",
                    "completed_on": earlier.date(),
                    "source": "trainer",
                    "voided_at": now,
                    "void_reason": "Wrong person",
                },
                {
                    "id": second_completion.pk,
                    "module__code": module.code,
                    "session_id": None,
                    "outcome": "completed",
                    "completed_on": later.date(),
                    "source": "trainer",
                    "voided_at": None,
                    "void_reason": "",
                },
            ],
            "partner_ids": [],
        }

    def test_a_provider_without_business_or_login_is_exported_too(self, db):
        from privacy.services import provider_export
        from tests.factories import ProviderFactory

        provider = ProviderFactory(business=None)
        document = provider_export(provider=provider)
        assert document["provider"]["business"] is None
        assert document["login"] is None
        body = client_for(CoordinatorFactory()).get(f"/api/v1/providers/{provider.pk}/export/")
        assert body.status_code == 200
        assert body.json()["login"] is None
        assert body.json()["provider"]["business"] is None


class TestErasureDetails:
    def test_a_login_with_nothing_but_its_username_is_erased_too(self, db):
        """A login with no names or e-mail, no usable password and disabled still carries its
        username: it is not taken for one erased before."""
        login = ProviderUserFactory(username="jean.dupont", first_name="", last_name="", email="")
        login.set_unusable_password()
        login.is_active = False
        login.save()
        provider_erase(provider=login.provider)
        login.refresh_from_db()
        assert (login.username, login.is_active) == (f"erased-{login.pk}", False)

    def test_the_trail_of_a_login_keeps_its_shape_and_loses_its_values(self, person):
        """A personal field's `[before, after]` becomes `(erased)` where it held a value and
        stays empty where it was empty; the other fields are kept as they were; a text of
        the person's found in any other field of their events is erased too."""
        from types import SimpleNamespace

        from audit.context import current_request
        from audit.services import ERASED, audit_events_insert

        person.first_name = ""
        person.email = "bureau@office-de-tourisme.example"  # quotes no other value of theirs
        person.save()
        coordinator = CoordinatorFactory()
        patched = client_for(coordinator).patch(
            f"/api/v1/accounts/{person.pk}/",
            {"first_name": "Marie", "email": "contact@camping-des-pins.example"},
            format="json",
        )
        assert patched.status_code == 200, patched.json()
        update = AuditEvent.objects.filter(
            record_type="accounts.user", record_id=person.pk, action="updated"
        ).latest("pk")
        assert update.changes["first_name"] == ["", "Marie"]
        created = AuditEvent.objects.get(
            record_type="accounts.user", record_id=person.pk, action="created"
        )
        role = created.changes["role"]
        self_assessments_create(
            provider=person.provider,
            ratings=[{"competency": CompetencyFactory(), "level": 1, "comment": ""}],
            assessed_at=timezone.now(),
            actor=None,
        )
        uncommented = AuditEvent.objects.filter(record_type="progress.selfassessment").latest("pk")
        assert uncommented.changes["comment"] == ""
        # An event of the person's own whose free text quotes them.
        serving = current_request.set(SimpleNamespace(user=person, auth=None))  # type: ignore[arg-type]
        try:
            audit_events_insert(
                events=[
                    (
                        "training.enrolment",
                        1,
                        "updated",
                        {"note": ["", "Dixit Kerjean"], "detail": {"by": "Kerjean", "seats": 2}},
                    )
                ]
            )
        finally:
            current_request.reset(serving)

        provider_erase(provider=person.provider)

        update.refresh_from_db()
        assert update.changes["first_name"] == ["", ERASED]
        assert update.changes["email"] == [ERASED, ERASED]
        created.refresh_from_db()
        assert created.changes["role"] == role
        uncommented.refresh_from_db()
        assert uncommented.changes["comment"] == ""  # nothing held, nothing to erase
        quoted = AuditEvent.objects.get(record_type="training.enrolment", actor_id=person.pk)
        assert quoted.changes == {"note": ["", ERASED], "detail": {"by": ERASED, "seats": 2}}
        assert quoted.actor == f"erased-{person.pk}"

    def test_a_provider_erased_long_ago_is_not_erased_again(self, person):
        provider_erase(provider=person.provider)
        long_ago = timezone.now() - dt.timedelta(days=1200)
        Provider.objects.filter(pk=person.provider.pk).update(updated_at=long_ago)
        SelfAssessment.objects.filter(provider=person.provider).update(assessed_at=long_ago)
        Enrolment.objects.filter(provider=person.provider).update(updated_at=long_ago)
        Completion.objects.filter(provider=person.provider).update(updated_at=long_ago)
        User.objects.filter(pk=person.pk).update(last_login=long_ago)
        out = StringIO()
        call_command("purge_inactive", "--days", "1095", "--dry-run", stdout=out)
        assert out.getvalue().startswith("0 provider(s)")
