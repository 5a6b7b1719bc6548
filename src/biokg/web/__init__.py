"""The HTTP face of biokg: `create_app` builds the FastAPI application."""

from biokg.web.app import create_app

__all__ = ["create_app"]
