"""Media helpers: pure functions over files (paths in, dataclasses out), no database."""
