"""schemathesis against /openapi.json: generated requests to every documented operation (writes included, which
are refused without the token) never get a 500 or a response the schema does not describe. Bounded examples and
no shrinking keep it well under a minute; the database is a real SQLite file with deals and a conflict."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import checks
from webdata import fill

from crawler.web.app import create_app

pytestmark = pytest.mark.filterwarnings("ignore")
# No 500, and every status code, content type, header and body as the schema describes it.
CHECKS = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_headers_conformance, checks.response_schema_conformance]


def test_api_conforms_to_its_schema(sqlite_url: str) -> None:
    cfg, repo = fill(sqlite_url)
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(cfg, repo))
    checked = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(max_examples=60, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck), database=None)
        @given(operation.as_strategy())
        def check(case: schemathesis.Case) -> None:
            response = case.call()
            assert response.status_code < 500, (case.path, case.query, response.text[:300])
            case.validate_response(response, checks=CHECKS)

        check()
        checked.append(f"{operation.method.upper()} {operation.path}")
    repo.close()
    assert "GET /api/deals" in checked and "GET /feed.atom" in checked and len(checked) >= 8


def test_the_schema_describes_every_endpoint_of_the_contract(sqlite_url: str) -> None:
    from fastapi.testclient import TestClient

    cfg, repo = fill(sqlite_url)
    with TestClient(create_app(cfg, repo)) as c:
        spec = c.get("/openapi.json").json()
    repo.close()
    assert {"/api/deals", "/api/deals/{deal_id}", "/api/conflicts", "/api/sources", "/feed.atom"} <= set(spec["paths"])
    params = {p["name"] for p in spec["paths"]["/api/deals"]["get"]["parameters"]}
    assert params == {"since", "company", "investor", "type", "status", "min_amount", "limit", "offset"}
    assert not any(p.startswith(("/deals", "/login")) or p == "/" for p in spec["paths"])  # pages stay out
