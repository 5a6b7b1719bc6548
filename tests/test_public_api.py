"""The public surface of the package cannot drift by accident."""

import biokg


def test_the_public_api_is_exactly_these_names() -> None:
    assert biokg.__all__ == [
        "BiokgError",
        "EmbeddedStore",
        "Finding",
        "NonConformingDataError",
        "NotFoundError",
        "QuerySyntaxError",
        "RdfSyntaxError",
        "SelectResult",
        "Sources",
        "Statistics",
        "Store",
        "StoreError",
        "UnsafeInputError",
        "ValidationReport",
        "load_sources",
        "load_validated",
        "statistics",
        "validate_sources",
    ]
    assert all(hasattr(biokg, name) for name in biokg.__all__)
