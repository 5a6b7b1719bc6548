"""The OpenAPI description says what the server does: Schemathesis runs every one of its checks against it.

In process (ASGI), with a bounded number of generated requests per operation and a fixed seed, so the run takes
seconds and finds the same things every time. The schema must exist when pytest collects this module (one test
per operation), so the application is built at import and its engine closed when the module's tests are done.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from biokg.config import Settings
from biokg.server import prepare
from biokg.web import create_app

context = prepare(Settings(query_workers=1))
app = create_app(context)
QUERY_TEXT = ["2xx", "304", "400", "404", "406"]
"""What valid-looking input may get from /sparql: any string is a `query` by its schema, but only SPARQL parses
(400 says where it does not), and whether a `format` can write the answer depends on the query's form (406)."""


async def without_lifespan(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """The application without its lifespan: Schemathesis ends an ASGI application's lifespan after every test,
    and the application's closes the engine, which the next operations' queries need."""
    if scope["type"] == "lifespan":
        return
    await app(scope, receive, send)


# POST /sparql takes the query itself as application/sparql-query, and /update the update as
# application/sparql-update: Schemathesis sends them as text.
schemathesis.serializer.alias(["application/sparql-query", "application/sparql-update"], "text/plain")
schema = schemathesis.openapi.from_asgi(
    "/openapi.json",
    without_lifespan,
    config=schemathesis.Config.from_dict(
        {
            "generation": {"max-examples": 10},
            "operations": [
                {
                    "include-path": "/sparql",
                    "checks": {"positive_data_acceptance": {"expected-statuses": QUERY_TEXT}},
                }
            ],
        }
    ),
)


@pytest.fixture(scope="module", autouse=True)
def _close_engine() -> Iterator[None]:
    yield
    context.engine.close()


@schema.parametrize()
@settings(max_examples=10, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_every_answer_is_as_the_openapi_description_says(case: schemathesis.Case[Any]) -> None:
    case.call_and_validate()
