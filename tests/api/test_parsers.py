"""Request bodies: JSON nested too deep is a 400 in the error shape, never a crash."""

import json

import pytest
from django.test import Client
from drf_spectacular.generators import SchemaGenerator

from api.parsers import MAX_DEPTH, DepthLimitedJSONParser, nested_deeper
from tests.conftest import client_for
from tests.factories import CoordinatorFactory, PartnerUserFactory
from training.models import Enrolment


def nested(depth: int, leaf: str = "1") -> str:
    """`depth` levels of arrays and objects, alternating, around `leaf`."""
    text = leaf
    for level in range(depth):
        text = f"[{text}]" if level % 2 else f'{{"a": {text}}}'
    return text


def assert_parse_error(response: object) -> None:
    assert response.status_code == 400  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["type"] == "client_error"
    assert [e["code"] for e in body["errors"]] == ["parse_error"]
    assert set(body["errors"][0]) == {"code", "detail", "attr"}


DEEP_BODIES = {
    "unclosed arrays": "[" * 1000,
    "closed arrays": "[" * 1000 + "]" * 1000,
    "objects": nested(5000),
    "one level too deep": nested(MAX_DEPTH + 1),
    "inside an item": '{"items": [' + nested(200) + "]}",
}


@pytest.mark.django_db
class TestDeepBodies:
    @pytest.mark.parametrize("body", DEEP_BODIES.values(), ids=DEEP_BODIES.keys())
    def test_the_anonymous_token_endpoint_refuses_deep_json(self, body):
        response = Client(raise_request_exception=False).post(
            "/api/v1/auth/token/", data=body, content_type="application/json"
        )
        assert_parse_error(response)

    @pytest.mark.parametrize("body", DEEP_BODIES.values(), ids=DEEP_BODIES.keys())
    def test_a_coordinator_endpoint_refuses_deep_json(self, body):
        client = client_for(CoordinatorFactory())
        response = client.post("/api/v1/modules/", data=body, content_type="application/json")
        assert_parse_error(response)

    @pytest.mark.parametrize("body", DEEP_BODIES.values(), ids=DEEP_BODIES.keys())
    def test_the_bulk_endpoint_refuses_deep_json_and_writes_nothing(self, body):
        client = client_for(PartnerUserFactory())
        response = client.post(
            "/api/v1/enrolments/bulk/", data=body, content_type="application/json"
        )
        assert_parse_error(response)
        assert Enrolment.objects.count() == 0

    def test_the_deepest_allowed_body_is_parsed(self):
        client = client_for(CoordinatorFactory())
        response = client.post(
            "/api/v1/modules/", data=nested(MAX_DEPTH), content_type="application/json"
        )
        # Parsed, then refused by the serializer for what it says, not for its depth.
        assert response.status_code == 400
        assert response.json()["type"] == "validation_error"

    def test_a_charset_that_is_not_text_is_a_400(self):
        response = Client(raise_request_exception=False).generic(
            "POST", "/api/v1/auth/token/", b"{}", content_type="application/json; charset=bz2_codec"
        )
        assert_parse_error(response)

    def test_another_charset_is_checked_too(self):
        body = ("[" * 1000).encode("utf-16")
        response = Client(raise_request_exception=False).generic(
            "POST", "/api/v1/auth/token/", body, content_type="application/json; charset=utf-16"
        )
        assert_parse_error(response)


class TestDepth:
    """The depth is counted outside strings, as a JSON parser reads them."""

    @pytest.mark.parametrize(
        ("text", "depth"),
        [
            ("[]", 1),
            ('{"a": [1, {"b": []}]}', 4),
            ('["[[[[", "{{{{"]', 1),
            ('["[[[[", "{{{{", [1]]', 2),
            (r'["\"[[[[", "\\", []]', 2),
            (r'["\\\"[[", {}]', 2),
            ("[[], [], [[]]]", 3),
            (nested(40), 40),
        ],
    )
    def test_the_depth_of_json_is_exact(self, text, depth):
        json.loads(text)
        assert not nested_deeper(text.encode(), limit=depth)
        if depth > 1:
            assert nested_deeper(text.encode(), limit=depth - 1)

    def test_unclosed_brackets_count(self):
        assert nested_deeper(b"[" * 33, limit=32)
        assert nested_deeper(b"]" * 300 + b"[" * 300, limit=32)
        assert nested_deeper(b'{"a": [[' + b"[" * 30, limit=32)

    def test_unbalanced_shallow_text_is_left_to_the_parser(self):
        assert not nested_deeper(b'{"a": [1', limit=32)
        assert not nested_deeper(b"]]]]", limit=32)
        assert not nested_deeper(b"[" * 32, limit=32)

    @pytest.mark.parametrize("escapes", [10, 60_000])
    def test_escapes_are_read_as_a_parser_reads_them(self, escapes):
        text = '["' + "\\\\" * escapes + '\\"[[[", ' + nested(3) + "]"
        json.loads(text)
        assert not nested_deeper(text.encode(), limit=4)
        assert nested_deeper(text.encode(), limit=3)


def test_every_operation_of_the_schema_parses_with_the_depth_bound():
    """No view may swap in a parser without the bound: every operation of the schema
    reads its body with the depth-limited parser (or reads none)."""
    generator = SchemaGenerator()
    generator._initialise_endpoints()
    operations = [(path, method, callback.cls) for path, _, method, callback in generator.endpoints]
    assert len(operations) > 50
    unbounded = [
        f"{method} {path}: {parser.__name__}"
        for path, method, view in operations
        for parser in view.parser_classes
        if not issubclass(parser, DepthLimitedJSONParser)
    ]
    assert unbounded == []
