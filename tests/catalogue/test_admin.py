"""The office's staff manage the catalogue in the admin, in French."""

import pytest

from tests.factories import CompetencyFactory, LearningPathFactory, ModuleFactory

PAGES = [
    "/admin/catalogue/framework/",
    "/admin/catalogue/competency/",
    "/admin/catalogue/module/",
    "/admin/catalogue/learningpath/",
    "/admin/accounts/user/",
    "/admin/people/organisation/",
    "/admin/people/business/",
    "/admin/people/provider/",
    "/admin/people/trainer/",
    "/admin/training/session/",
    "/admin/training/enrolment/",
]
READ_ONLY = [
    "/admin/training/completion/",
    "/admin/progress/selfassessment/",
    "/admin/progress/providercompetencylevel/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_every_admin_list_and_add_page_opens(admin_client, url):
    CompetencyFactory()
    ModuleFactory()
    LearningPathFactory()
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(f"{url}add/").status_code == 200


@pytest.mark.django_db
def test_the_admin_speaks_french(admin_client):
    response = admin_client.get("/admin/catalogue/")
    content = response.content.decode()
    assert "Compétences" in content
    assert "Référentiels" in content


@pytest.mark.django_db
@pytest.mark.parametrize("url", READ_ONLY)
def test_evidence_and_ratings_are_read_only_in_the_admin(admin_client, url):
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(f"{url}add/").status_code == 403
