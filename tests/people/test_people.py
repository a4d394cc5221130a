"""Organisations, businesses, providers and trainers: who sees and edits what."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from people.models import Business, Provider
from tests.conftest import client_for
from tests.factories import (
    BusinessFactory,
    CoordinatorFactory,
    EnrolmentFactory,
    LearningPathFactory,
    OrganisationFactory,
    PartnerCentreFactory,
    PartnerUserFactory,
    ProviderFactory,
    ProviderUserFactory,
    SessionFactory,
    TrainerUserFactory,
)


@pytest.mark.django_db
class TestProviders:
    def test_a_provider_edits_contact_and_consent_but_not_business_or_email(self):
        user = ProviderUserFactory()
        provider = user.provider
        other_business = BusinessFactory()
        response = client_for(user).patch(
            f"/api/v1/providers/{provider.pk}/",
            {
                "phone": "06 00 00 00 00",
                "shares_progress_with_partners": True,
                "business": other_business.pk,
                "email": "new@example.org",
                "assigned_paths": [LearningPathFactory().pk],
            },
            format="json",
        )
        assert response.status_code == 200, response.json()
        provider.refresh_from_db()
        assert provider.phone == "06 00 00 00 00"
        assert provider.shares_progress_with_partners is True
        assert provider.business != other_business
        assert provider.email != "new@example.org"
        assert not provider.assigned_paths.exists()

    def test_a_coordinator_assigns_paths(self):
        provider = ProviderFactory()
        path = LearningPathFactory()
        response = client_for(CoordinatorFactory()).patch(
            f"/api/v1/providers/{provider.pk}/", {"assigned_paths": [path.pk]}, format="json"
        )
        assert response.status_code == 200
        assert list(provider.assigned_paths.all()) == [path]

    def test_emails_are_unique_whatever_their_case(self):
        ProviderFactory(email="anne@example.org")
        response = client_for(CoordinatorFactory()).post(
            "/api/v1/providers/",
            {
                "first_name": "A",
                "last_name": "B",
                "email": "ANNE@example.org",
            },
            format="json",
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "unique"

    def test_a_trainer_lists_the_participants_of_their_sessions_only(self):
        trainer = TrainerUserFactory()
        session = SessionFactory(trainers=[trainer.trainer])
        mine = EnrolmentFactory(session=session)
        EnrolmentFactory(session=session, status="cancelled")  # left: no longer theirs
        EnrolmentFactory()
        ids = [p["id"] for p in client_for(trainer).get("/api/v1/providers/").json()["results"]]
        assert ids == [mine.provider.pk]

    def test_a_partner_lists_the_participants_of_its_sessions_only(self):
        partner = PartnerUserFactory()
        mine = EnrolmentFactory(session=SessionFactory(organiser=partner.partner_centre))
        EnrolmentFactory()
        ids = [p["id"] for p in client_for(partner).get("/api/v1/providers/").json()["results"]]
        assert ids == [mine.provider.pk]

    def test_filters_by_sector_commune_and_office(self):
        office = OrganisationFactory()
        camp = ProviderFactory(
            business=BusinessFactory(sector="accommodation", commune="Carantec", office=office)
        )
        ProviderFactory(business=BusinessFactory(sector="retail", commune="Morlaix"))
        client = client_for(CoordinatorFactory())

        def ids(**params: object) -> list[int]:
            return [p["id"] for p in client.get("/api/v1/providers/", params).json()["results"]]

        assert ids(sector="accommodation") == [camp.pk]
        assert ids(commune="carantec") == [camp.pk]
        assert ids(office=office.pk) == [camp.pk]

    def test_listing_costs_the_same_queries_for_5_or_50(self):
        client = client_for(CoordinatorFactory())

        def count() -> int:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get("/api/v1/providers/", {"page_size": 100}).status_code == 200
            return len(ctx)

        path = LearningPathFactory()
        for provider in ProviderFactory.create_batch(5):
            provider.assigned_paths.add(path)
        count()  # the caller's login is kept from then on (api/authentication.py)
        few = count()
        for provider in ProviderFactory.create_batch(45):
            provider.assigned_paths.add(path)
        assert count() == few

    def test_a_provider_with_history_cannot_be_deleted(self):
        enrolment = EnrolmentFactory()
        response = client_for(CoordinatorFactory()).delete(
            f"/api/v1/providers/{enrolment.provider.pk}/"
        )
        assert response.status_code == 409
        assert Provider.objects.filter(pk=enrolment.provider.pk).exists()


@pytest.mark.django_db
class TestStructures:
    def test_a_business_is_followed_by_an_office_not_a_partner_centre(self):
        response = client_for(CoordinatorFactory()).post(
            "/api/v1/businesses/",
            {
                "name": "Hôtel",
                "sector": "accommodation",
                "commune": "Roscoff",
                "office": PartnerCentreFactory().pk,
            },
            format="json",
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "wrong_kind"
        assert not Business.objects.exists()

    def test_an_unknown_sector_is_refused(self):
        response = client_for(CoordinatorFactory()).post(
            "/api/v1/businesses/",
            {
                "name": "Hôtel",
                "sector": "casino",
                "commune": "Roscoff",
                "office": OrganisationFactory().pk,
            },
            format="json",
        )
        assert response.json()["errors"][0] == {
            "code": "invalid_choice",
            "detail": response.json()["errors"][0]["detail"],
            "attr": "sector",
        }

    def test_a_provider_sees_only_their_own_business(self):
        user = ProviderUserFactory()
        BusinessFactory()
        ids = [b["id"] for b in client_for(user).get("/api/v1/businesses/").json()["results"]]
        assert ids == [user.provider.business.pk]

    def test_organisations_list_by_kind_for_signed_in_callers(self, anon):
        OrganisationFactory(kind="office", name="Maison du tourisme")
        PartnerCentreFactory()
        client = client_for(ProviderUserFactory())
        body = client.get("/api/v1/organisations/", {"kind": "partner_centre"}).json()
        assert [o["kind"] for o in body["results"]] == ["partner_centre"]
        assert anon.get("/api/v1/organisations/").status_code == 401

    def test_an_organisation_cannot_be_its_own_parent(self):
        office = OrganisationFactory()
        response = client_for(CoordinatorFactory()).patch(
            f"/api/v1/organisations/{office.pk}/", {"parent": office.pk}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "invalid_parent"

    def test_a_trainer_reads_their_own_record_and_no_other(self):
        user = TrainerUserFactory()
        other = TrainerUserFactory()
        client = client_for(user)
        assert client.get(f"/api/v1/trainers/{user.trainer.pk}/").json()["is_facilitator"] is True
        assert client.get(f"/api/v1/trainers/{other.trainer.pk}/").status_code == 404


@pytest.mark.django_db
def test_a_participant_who_cancelled_elsewhere_is_still_the_trainers_participant():
    trainer = TrainerUserFactory()
    provider = ProviderFactory()
    EnrolmentFactory(session=SessionFactory(trainers=[trainer.trainer]), provider=provider)
    EnrolmentFactory(provider=provider, status="cancelled")
    ids = [p["id"] for p in client_for(trainer).get("/api/v1/providers/").json()["results"]]
    assert ids == [provider.pk]


@pytest.mark.django_db
@pytest.mark.parametrize("factory", [TrainerUserFactory, PartnerUserFactory])
def test_a_trainer_or_partner_login_not_yet_attached_lists_no_one(factory):
    """A trainer login with no trainer record (or a partner login with no centre) is no
    one's trainer: not even of the sessions that have none, nor of the office's."""
    login = factory(trainer=None) if factory is TrainerUserFactory else factory(partner_centre=None)
    EnrolmentFactory(session=SessionFactory(trainers=[]))
    EnrolmentFactory()
    response = client_for(login).get("/api/v1/providers/")
    assert response.status_code == 200
    assert response.json()["results"] == []
