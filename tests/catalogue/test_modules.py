"""The modules endpoint: public reads, coordinator writes, nested competencies and prerequisites."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalogue.models import Module, ModuleCompetency, ModulePrerequisite
from tests.factories import (
    CompetencyFactory,
    FrameworkFactory,
    ModuleCompetencyFactory,
    ModuleFactory,
)

URL = "/api/v1/modules/"


def module_payload(**overrides: object) -> dict[str, object]:
    payload: dict[str, object] = {
        "code": "WS-TEST",
        "title_fr": "Atelier test",
        "title_en": "Test workshop",
        "format": "workshop",
        "duration_hours": 3,
        "price": 40,
        "competencies": [],
        "prerequisites": [],
    }
    payload.update(overrides)
    return payload


def errors_by_attr(response: object) -> dict[str, str]:
    body = response.json()  # type: ignore[attr-defined]
    return {error["attr"]: error["code"] for error in body["errors"]}


@pytest.mark.django_db
class TestRead:
    def test_anonymous_lists_modules_with_what_they_teach(self, anon):
        taught = ModuleCompetencyFactory(level=2)
        response = anon.get(URL)
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 1
        item = body["results"][0]
        assert item["code"] == taught.module.code
        assert item["competencies"] == [
            {
                "competency": taught.competency.pk,
                "competency_code": taught.competency.code,
                "level": 2,
            }
        ]

    def test_anonymous_gets_one_module(self, anon):
        module = ModuleFactory()
        response = anon.get(f"{URL}{module.pk}/")
        assert response.status_code == 200
        assert response.json()["id"] == module.pk

    def test_unknown_module_is_a_json_404(self, anon):
        response = anon.get(f"{URL}999999/")
        assert response.status_code == 404
        assert response.json()["errors"][0]["code"] == "not_found"

    def test_filters_by_format_active_and_competency(self, anon):
        workshop = ModuleFactory(format="workshop")
        ModuleFactory(format="conference")
        ModuleFactory(format="workshop", is_active=False)
        taught = ModuleCompetencyFactory(module=workshop)
        conferences = anon.get(URL, {"module_format": "conference"}).json()["results"]
        assert [m["format"] for m in conferences] == ["conference"]
        active_workshops = anon.get(URL, {"module_format": "workshop", "is_active": "true"}).json()
        assert [m["id"] for m in active_workshops["results"]] == [workshop.pk]
        by_competency = anon.get(URL, {"competency": taught.competency.pk}).json()
        assert [m["id"] for m in by_competency["results"]] == [workshop.pk]
        by_code = anon.get(URL, {"competency_code": taught.competency.code}).json()
        assert [m["id"] for m in by_code["results"]] == [workshop.pk]

    def test_an_unknown_format_is_a_400_on_that_parameter(self, anon):
        response = anon.get(URL, {"module_format": "party"})
        assert response.status_code == 400
        assert errors_by_attr(response) == {"module_format": "invalid_choice"}

    def test_search_looks_in_codes_and_both_languages(self, anon):
        ModuleFactory(code="WS-INSTA", title_fr="Atelier photo", title_en="Photo workshop")
        ModuleFactory(code="WS-OTHER", title_fr="Autre", title_en="Other")
        assert anon.get(URL, {"search": "photo workshop"}).json()["count"] == 1
        assert anon.get(URL, {"search": "insta"}).json()["count"] == 1
        assert anon.get(URL, {"search": "atelier"}).json()["count"] == 1

    def test_orders_by_price_descending(self, anon):
        ModuleFactory(code="A", price=Decimal("10"))
        ModuleFactory(code="B", price=Decimal("90"))
        codes = [m["code"] for m in anon.get(URL, {"ordering": "-price"}).json()["results"]]
        assert codes == ["B", "A"]

    def test_page_size_is_capped_at_100(self, anon):
        ModuleFactory.create_batch(105)
        body = anon.get(URL, {"page_size": 500}).json()
        assert body["count"] == 105
        assert len(body["results"]) == 100
        second = anon.get(URL, {"page_size": 100, "page": 2}).json()
        assert len(second["results"]) == 5

    def test_a_page_past_the_end_is_a_404(self, anon):
        ModuleFactory()
        assert anon.get(URL, {"page": 9}).status_code == 404

    def test_listing_50_modules_costs_as_many_queries_as_5(self, anon):
        def queries_for_listing() -> int:
            with CaptureQueriesContext(connection) as ctx:
                assert anon.get(URL, {"page_size": 100}).status_code == 200
            return len(ctx)

        for _ in range(5):
            taught = ModuleCompetencyFactory()
            ModulePrerequisite.objects.create(
                module=taught.module, competency=taught.competency, min_level=1
            )
        few = queries_for_listing()
        for _ in range(45):
            taught = ModuleCompetencyFactory()
            ModulePrerequisite.objects.create(
                module=taught.module, competency=taught.competency, min_level=1
            )
        many = queries_for_listing()
        # The catalogue's version, count, page, taught competencies, prerequisites.
        assert few == many == 5

    def test_a_repeated_read_comes_from_the_cache_until_the_catalogue_changes(
        self, anon, coordinator_client
    ):
        module = ModuleFactory(title_fr="Atelier Facebook")
        first = anon.get(URL)
        with CaptureQueriesContext(connection) as ctx:
            again = anon.get(URL)
        assert len(ctx) == 1  # the catalogue's version
        assert again.content == first.content
        assert again["Content-Type"] == "application/json"
        english = anon.get(URL, HTTP_ACCEPT_LANGUAGE="en").json()["results"][0]["title"]
        assert english == module.title_en  # languages are cached apart
        response = coordinator_client.patch(
            f"{URL}{module.pk}/", {"title_fr": "Atelier Facebook avancé"}, format="json"
        )
        assert response.status_code == 200
        assert anon.get(URL).json()["results"][0]["title"] == "Atelier Facebook avancé"
        assert anon.get(f"{URL}{module.pk}/").json()["title"] == "Atelier Facebook avancé"
        # A change made outside the API (the admin, a script) counts too.
        ModuleCompetencyFactory(module=module)
        assert len(anon.get(URL).json()["results"][0]["competencies"]) == 1

    def test_cached_links_name_the_host_and_scheme_of_each_caller(self, anon, settings):
        settings.ALLOWED_HOSTS = ["a.example.org", "b.example.org"]
        ModuleFactory()
        ModuleFactory()
        first = anon.get(URL, {"page_size": 1}, HTTP_HOST="a.example.org").json()
        second = anon.get(URL, {"page_size": 1}, HTTP_HOST="b.example.org").json()
        third = anon.get(URL, {"page_size": 1}, HTTP_HOST="b.example.org", secure=True).json()
        assert first["next"].startswith("http://a.example.org/api/v1/modules/?")
        assert second["next"].startswith("http://b.example.org/api/v1/modules/?")
        assert third["next"].startswith("https://b.example.org/api/v1/modules/?")
        assert first["results"] == second["results"] == third["results"]


@pytest.mark.django_db
class TestLanguage:
    def test_french_by_default_english_on_request(self, anon):
        ModuleFactory(title_fr="Atelier Facebook", title_en="Facebook workshop")
        assert anon.get(URL).json()["results"][0]["title"] == "Atelier Facebook"
        english = anon.get(URL, HTTP_ACCEPT_LANGUAGE="en").json()["results"][0]
        assert english["title"] == "Facebook workshop"
        assert english["title_fr"] == "Atelier Facebook"

    def test_an_empty_english_text_falls_back_to_french(self, anon):
        ModuleFactory(title_fr="Klub numérique", title_en="")
        english = anon.get(URL, HTTP_ACCEPT_LANGUAGE="en").json()["results"][0]
        assert english["title"] == "Klub numérique"

    def test_error_messages_follow_the_language(self, anon):
        french = anon.post(URL, module_payload(), format="json")
        english = anon.post(URL, module_payload(), format="json", HTTP_ACCEPT_LANGUAGE="en")
        assert french.json()["errors"][0]["detail"] != english.json()["errors"][0]["detail"]
        assert english.json()["errors"][0]["detail"] == (
            "Authentication credentials were not provided."
        )


@pytest.mark.django_db
class TestWrite:
    def test_anonymous_cannot_create(self, anon):
        response = anon.post(URL, module_payload(), format="json")
        assert response.status_code == 401
        assert not Module.objects.exists()

    def test_a_provider_cannot_create(self, provider_client):
        response = provider_client.post(URL, module_payload(), format="json")
        assert response.status_code == 403
        assert not Module.objects.exists()

    def test_a_superuser_may_create(self, superuser_client):
        response = superuser_client.post(URL, module_payload(), format="json")
        assert response.status_code == 201

    def test_coordinator_creates_a_module_with_competencies_and_prerequisites(
        self, coordinator_client
    ):
        facebook = CompetencyFactory(code="FACEBOOK")
        strategy = CompetencyFactory(
            code="STRATEGY", framework=facebook.framework, area=facebook.area
        )
        payload = module_payload(
            competencies=[{"competency": facebook.pk, "level": 4}],
            prerequisites=[{"competency": strategy.pk, "min_level": 2}],
        )
        response = coordinator_client.post(URL, payload, format="json")
        assert response.status_code == 201, response.json()
        module = Module.objects.get(code="WS-TEST")
        assert module.title_en == "Test workshop"
        assert list(module.taught.values_list("competency__code", "level")) == [("FACEBOOK", 4)]
        assert list(module.prerequisites.values_list("competency__code", "min_level")) == [
            ("STRATEGY", 2)
        ]
        assert response.json()["competencies"][0]["competency_code"] == "FACEBOOK"

    def test_a_level_outside_the_scale_is_a_400_on_that_item(self, coordinator_client):
        competency = CompetencyFactory()  # scale 0..4
        payload = module_payload(competencies=[{"competency": competency.pk, "level": 7}])
        response = coordinator_client.post(URL, payload, format="json")
        assert response.status_code == 400
        assert errors_by_attr(response) == {"competencies.0.level": "out_of_scale"}
        assert not Module.objects.exists()

    def test_a_competency_taught_twice_is_a_400(self, coordinator_client):
        competency = CompetencyFactory()
        items = [
            {"competency": competency.pk, "level": 2},
            {"competency": competency.pk, "level": 3},
        ]
        response = coordinator_client.post(URL, module_payload(competencies=items), format="json")
        assert response.status_code == 400
        assert errors_by_attr(response) == {"competencies.1.competency": "duplicate"}

    def test_a_duplicate_code_is_a_400_on_code(self, coordinator_client):
        ModuleFactory(code="WS-TEST")
        response = coordinator_client.post(URL, module_payload(), format="json")
        assert response.status_code == 400
        assert errors_by_attr(response) == {"code": "unique"}

    def test_wrong_json_types_are_refused(self, coordinator_client):
        payload = module_payload(code=12, duration_hours="3", price=True)
        response = coordinator_client.post(URL, payload, format="json")
        assert response.status_code == 400
        assert errors_by_attr(response) == {
            "code": "invalid",
            "duration_hours": "invalid",
            "price": "invalid",
        }

    def test_blank_titles_and_unknown_formats_are_refused(self, coordinator_client):
        payload = module_payload(title_fr="   ", format="party")
        response = coordinator_client.post(URL, payload, format="json")
        assert response.status_code == 400
        assert errors_by_attr(response) == {"title_fr": "blank", "format": "invalid_choice"}

    def test_a_form_encoded_body_is_unsupported(self, coordinator_client):
        response = coordinator_client.post(URL, {"code": "X"}, format="multipart")
        assert response.status_code == 415
        assert response.json()["errors"][0]["code"] == "unsupported_media_type"

    def test_malformed_json_is_a_parse_error(self, coordinator_client):
        response = coordinator_client.generic(
            "POST", URL, "{not json", content_type="application/json"
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "parse_error"

    def test_patch_replaces_the_taught_competencies(self, coordinator_client):
        taught = ModuleCompetencyFactory(level=2)
        other = CompetencyFactory(
            framework=taught.competency.framework, area=taught.competency.area
        )
        response = coordinator_client.patch(
            f"{URL}{taught.module.pk}/",
            {"competencies": [{"competency": other.pk, "level": 3}], "price": 55.5},
            format="json",
        )
        assert response.status_code == 200, response.json()
        assert list(ModuleCompetency.objects.values_list("competency", "level")) == [(other.pk, 3)]
        taught.module.refresh_from_db()
        assert taught.module.price == Decimal("55.50")

    def test_patch_without_lists_keeps_them(self, coordinator_client):
        taught = ModuleCompetencyFactory(level=2)
        response = coordinator_client.patch(
            f"{URL}{taught.module.pk}/", {"title_en": "New"}, format="json"
        )
        assert response.status_code == 200
        assert ModuleCompetency.objects.filter(pk=taught.pk, level=2).exists()

    def test_put_replaces_every_field(self, coordinator_client):
        module = ModuleFactory(code="OLD")
        response = coordinator_client.put(
            f"{URL}{module.pk}/", module_payload(code="NEW", format="conference"), format="json"
        )
        assert response.status_code == 200
        module.refresh_from_db()
        assert (module.code, module.format) == ("NEW", "conference")

    def test_coordinator_deletes_an_unused_module(self, coordinator_client):
        module = ModuleFactory()
        assert coordinator_client.delete(f"{URL}{module.pk}/").status_code == 204
        assert not Module.objects.filter(pk=module.pk).exists()

    def test_a_module_used_by_a_path_cannot_be_deleted(self, coordinator_client):
        from tests.factories import PathStepFactory

        step = PathStepFactory()
        response = coordinator_client.delete(f"{URL}{step.module.pk}/")
        assert response.status_code == 409
        assert response.json()["errors"][0]["code"] == "protected"
        assert Module.objects.filter(pk=step.module.pk).exists()

    def test_provider_cannot_delete(self, provider_client):
        module = ModuleFactory()
        assert provider_client.delete(f"{URL}{module.pk}/").status_code == 403
        assert Module.objects.filter(pk=module.pk).exists()

    def test_the_scale_is_that_of_the_competencys_framework(self, coordinator_client):
        small = FrameworkFactory(scale=2)
        competency = CompetencyFactory(area__framework=small)
        payload = module_payload(competencies=[{"competency": competency.pk, "level": 3}])
        response = coordinator_client.post(URL, payload, format="json")
        assert response.status_code == 400
        assert errors_by_attr(response) == {"competencies.0.level": "out_of_scale"}
