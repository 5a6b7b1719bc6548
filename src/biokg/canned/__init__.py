"""Canned queries: grlc-style `.rq` files run with typed parameters bound as RDF terms."""

from biokg.canned.catalogue import MAX_PAGE, PAGE, BoundQuery, CannedQuery, Catalogue, describe_parameters, read_query
from biokg.canned.parameters import Kind, Parameter
from biokg.errors import ParameterError

__all__ = [
    "MAX_PAGE",
    "PAGE",
    "BoundQuery",
    "CannedQuery",
    "Catalogue",
    "Kind",
    "Parameter",
    "ParameterError",
    "describe_parameters",
    "read_query",
]
