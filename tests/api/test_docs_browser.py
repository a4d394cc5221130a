"""The docs page in a real browser: headless Chromium (Debian's package) driven by
Playwright against a live server, with no internet. `.ci/run` installs Chromium."""

import os
import shutil
from pathlib import Path

import pytest
import requests

from api.docs import REDOCLY_LOGO
from tests.factories import ProviderUserFactory

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

if CHROMIUM is None:
    if os.environ.get("CI"):
        pytest.fail("Chromium is required in CI (.ci/run installs Debian's chromium).")
    pytest.skip("Chromium is not installed here.", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture
def lea(transactional_db, demo_catalogue):  # type: ignore[no-untyped-def]
    """A provider's login, made before the browser starts: while Playwright's event loop
    runs in this thread, the database must not be used here."""
    user = ProviderUserFactory(username="lea")
    user.set_password("a long passphrase")
    user.save()
    return user


# Every Content-Security-Policy violation, as the page sees it.
RECORD_VIOLATIONS = """
window.violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.violations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def browser_page(lea):  # type: ignore[no-untyped-def]
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.add_init_script(RECORD_VIOLATIONS)
        errors: list[str] = []
        page.on(
            "console",
            lambda message: errors.append(message.text) if message.type == "error" else None,
        )
        crashes: list[str] = []
        page.on("pageerror", lambda error: crashes.append(str(error)))
        page.console_errors, page.crashes = errors, crashes
        try:
            yield page
        finally:
            browser.close()


def assert_no_policy_violation(page) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("window.violations") == []
    refused = [text for text in page.console_errors if "Content Security Policy" in text]
    assert refused == []
    assert page.crashes == []


@pytest.mark.django_db(transaction=True)
def test_the_docs_page_lists_authorises_and_tries_an_operation(live_server, lea, browser_page):  # type: ignore[no-untyped-def]
    token = requests.post(
        f"{live_server.url}/api/v1/auth/token/",
        json={"username": "lea", "password": "a long passphrase"},
        timeout=10,
    ).json()["access"]
    page = browser_page
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(f"{request.url} {request.failure}"))
    page.on(
        "response",
        lambda response: (
            failed.append(f"{response.url} {response.status}") if response.status >= 400 else None
        ),
    )

    page.goto(f"{live_server.url}/api/docs/", wait_until="networkidle")
    operations = page.locator(".opblock")
    operations.first.wait_for()
    assert operations.count() > 50  # every operation of the schema is listed

    page.click("button.authorize")
    scheme = page.locator(".modal-ux form").filter(has_text="jwtAuth")
    scheme.locator("input").fill(token)
    scheme.locator("button.authorize").click()
    page.locator(".modal-ux button.close-modal").click()

    operation = page.locator("#operations-progress-providers_me_progress_retrieve")
    operation.locator(".opblock-summary").click()
    operation.locator("button.try-out__btn").click()
    operation.locator("button.execute").click()
    status = operation.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip() == "200"
    body = operation.locator(".live-responses-table .microlight").first.inner_text()
    assert f'"provider": {lea.provider_id}' in body
    assert '"competencies"' in body

    status.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "api-docs.png"), full_page=False)
    assert failed == []
    assert_no_policy_violation(page)


@pytest.mark.django_db(transaction=True)
def test_the_redoc_page_renders_every_operation(live_server, browser_page):  # type: ignore[no-untyped-def]
    page = browser_page
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(f"{request.url} {request.failure}"))
    response = page.goto(f"{live_server.url}/api/redoc/", wait_until="networkidle")
    assert "Content-Security-Policy" in {name.title(): v for name, v in response.headers.items()}
    operations = page.locator("[data-section-id^='tag/']")
    operations.first.wait_for()
    assert page.locator("h2", has_text="Check health").count() == 1
    # Redoc always shows Redocly's logo from its CDN; the policy allows it, the
    # test machine has no internet.
    assert [url for url in failed if not url.startswith(REDOCLY_LOGO)] == []
    assert_no_policy_violation(page)
