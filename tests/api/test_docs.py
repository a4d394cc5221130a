"""The docs pages: served with a Content-Security-Policy that allows only this origin."""

import pytest

DOCS_PAGES = ["/api/docs/", "/api/docs/?script=", "/api/redoc/"]


def policy(header: str) -> dict[str, list[str]]:
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in directives}


@pytest.mark.django_db
@pytest.mark.parametrize("url", DOCS_PAGES)
def test_the_docs_pages_allow_scripts_from_this_origin_only(anon, url):
    response = anon.get(url)
    assert response.status_code == 200
    csp = policy(response["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]


@pytest.mark.django_db
def test_the_swagger_page_has_no_inline_script(anon):
    page = anon.get("/api/docs/").content.decode()
    assert "<script>" not in page
    assert 'src="/api/docs/?script="' in page


@pytest.mark.django_db
def test_the_redoc_page_loads_nothing_from_elsewhere(anon):
    page = anon.get("/api/redoc/").content.decode()
    assert "https://" not in page
    assert "<script>" not in page
