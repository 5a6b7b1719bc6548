"""The import pipeline every registry importer shares: records read, mapped, validated, loaded whole."""
