"""`python -m biokg` runs the biokg command."""

from biokg.cli import app

app(prog_name="biokg")
