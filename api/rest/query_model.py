"""Query strings validated by one pydantic model, for endpoints with many parameters.

FastAPI validates query parameters one by one, and per parameter and request it re-inspects the
annotation (is it a sequence? a model? which aliases?): for the 23 parameters of
``GET /v1/claims`` that was ~0.4 ms of the request, more than the rest of the routing
(`python bench/profile_api.py --cpu`). A model validated in one pydantic call costs ~0.02 ms.
``openapi_parameters`` documents the same model's fields as the query parameters they are.
"""

from __future__ import annotations

from typing import Any, TypeVar, get_origin

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)

_list_fields: dict[type[BaseModel], frozenset[str]] = {}


def _lists(model: type[BaseModel]) -> frozenset[str]:
    found = _list_fields.get(model)
    if found is None:
        found = _list_fields[model] = frozenset(
            name for name, f in model.model_fields.items() if get_origin(f.annotation) is list
        )
    return found


def parse_query(model: type[M], request: Request) -> M:
    """The request's query string as ``model`` (a repeated parameter is a list for list fields,
    its last value otherwise; unknown parameters are ignored); 422 with the usual details if
    invalid."""
    params = request.query_params
    lists = _lists(model)
    data = {k: params.getlist(k) if k in lists else v for k, v in params.items()}
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = [{**e, "loc": ("query", *e["loc"])} for e in exc.errors(include_url=False)]
        raise RequestValidationError(errors) from None


def openapi_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    """OpenAPI ``parameters`` (in: query) for the fields of ``model``."""
    schema = model.model_json_schema()
    required = set(schema.get("required", ()))
    out: list[dict[str, Any]] = []
    for name, prop in schema["properties"].items():
        prop = dict(prop)
        description = prop.pop("description", None)
        prop.pop("title", None)
        param: dict[str, Any] = {"name": name, "in": "query", "required": name in required}
        if description:
            param["description"] = description
        param["schema"] = prop
        out.append(param)
    return out
