"""Import of the Research Organization Registry (ROR, schema 2) into its own named graph."""
