"""Query strings validated by one model (api/rest/query_model.py)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, FastAPI, Request
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

from api.rest.query_model import openapi_parameters, parse_query


class Params(BaseModel):
    word: list[str] = []
    limit: int = Field(20, ge=0, le=100, description="how many")
    mode: Literal["A", "B"] | None = None


async def params(request: Request) -> Params:
    return parse_query(Params, request)


def _app() -> FastAPI:
    app = FastAPI()

    @app.get("/p", openapi_extra={"parameters": openapi_parameters(Params)})
    async def read(p: Annotated[Params, Depends(params)]) -> dict[str, object]:
        return p.model_dump()

    return app


def test_repeated_parameters_are_lists_scalars_take_the_last_value_unknown_ones_are_ignored() -> None:
    client = TestClient(_app())
    r = client.get("/p?word=a&word=%D9%82%D9%88%D9%84&limit=3&limit=5&other=x")
    assert r.json() == {"word": ["a", "قول"], "limit": 5, "mode": None}
    assert client.get("/p").json() == {"word": [], "limit": 20, "mode": None}


def test_invalid_values_are_request_validation_errors_located_in_the_query() -> None:
    r = TestClient(_app()).get("/p", params={"limit": 101, "mode": "C"})
    assert r.status_code == 422
    locs = {tuple(e["loc"]) for e in r.json()["detail"]}
    assert locs == {("query", "limit"), ("query", "mode")}


def test_openapi_documents_each_field_as_a_query_parameter() -> None:
    spec = TestClient(_app()).get("/openapi.json").json()
    got = {p["name"]: p for p in spec["paths"]["/p"]["get"]["parameters"]}
    assert set(got) == {"word", "limit", "mode"}
    assert all(p["in"] == "query" and p["required"] is False for p in got.values())
    assert got["word"]["schema"] == {"type": "array", "items": {"type": "string"}, "default": []}
    assert got["limit"]["description"] == "how many" and got["limit"]["schema"]["maximum"] == 100


def test_claims_listing_reports_bad_parameters_in_the_api_error_format(api: TestClient) -> None:
    r = api.get("/v1/claims", params={"limit": 101, "sort": "SIDEWAYS", "source": ["a", "b"]})
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "BAD_USER_INPUT"
    assert {tuple(d["loc"]) for d in err["details"]} == {("query", "limit"), ("query", "sort")}
    params = api.get("/openapi.json").json()["paths"]["/v1/claims"]["get"]["parameters"]
    assert len(params) == len({p["name"] for p in params})  # each documented once
    assert "$ref" not in str(params)
