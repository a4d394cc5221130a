"""docs/roles.md is the matrix the tests enforce, not a description that can drift."""

from tests.authz.render import DOC, render


def test_the_roles_page_is_rendered_from_the_matrix():
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/roles.md differs from tests/authz/matrix.py: run `make roles-doc`."
    )
