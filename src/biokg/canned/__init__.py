"""Canned queries: grlc-style `.rq` files run with typed parameters bound as RDF terms."""

from biokg.canned.answers import CannedAnswer
from biokg.canned.catalogue import (
    PAGE,
    BoundQuery,
    CannedQuery,
    Catalogue,
    FetchJson,
    describe_parameters,
    read_query,
)
from biokg.canned.parameters import Kind, Parameter, ParameterError

__all__ = [
    "PAGE",
    "BoundQuery",
    "CannedAnswer",
    "CannedQuery",
    "Catalogue",
    "FetchJson",
    "Kind",
    "Parameter",
    "ParameterError",
    "describe_parameters",
    "read_query",
]
