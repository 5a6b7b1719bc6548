"""`python -m biokg` runs the biokg command."""

from biokg.cli import main

main()
