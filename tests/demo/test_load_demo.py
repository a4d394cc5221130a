"""The demo data set: complete, bilingual, and loadable any number of times."""

import pytest
from django.core.management import call_command

from accounts.models import User
from catalogue.models import Competency, Framework, LearningPath, Module


def counts() -> tuple[int, ...]:
    return (
        Framework.objects.count(),
        Competency.objects.count(),
        Module.objects.count(),
        LearningPath.objects.count(),
        User.objects.count(),
    )


@pytest.mark.django_db
def test_load_demo_is_idempotent():
    call_command("load_demo")
    first = counts()
    call_command("load_demo")
    assert counts() == first


@pytest.mark.django_db
def test_the_demo_catalogue_is_what_the_office_teaches(demo_catalogue):
    framework = Framework.objects.get(code="NUMERIQUE")
    assert list(framework.levels.values_list("value", flat=True)) == [0, 1, 2, 3, 4]
    assert all(level.name_en and level.descriptor_en for level in framework.levels.all())
    codes = set(Competency.objects.values_list("code", flat=True))
    assert {"STRATEGY", "FACEBOOK", "TWITTER", "INSTAGRAM"} <= codes
    assert len(codes) >= 8
    formats = set(Module.objects.values_list("format", flat=True))
    assert formats == {"training_day", "workshop", "conference", "club", "elearning"}
    assert Module.objects.filter(format="training_day").count() == 4
    web20 = LearningPath.objects.get(code="WEB20")
    assert web20.steps.count() == 4
    assert LearningPath.objects.filter(code="FOLLOWUP").exists()


@pytest.mark.django_db
def test_the_demo_logins_can_sign_in_to_the_admin(client):
    call_command("load_demo")
    assert client.login(username="admin", password="parcours-demo")
    response = client.get("/admin/catalogue/module/")
    assert response.status_code == 200
    assert "Modules" in response.content.decode()
