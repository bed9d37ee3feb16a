"""Read the tools' raw exports from the landing folder into DuckDB ``raw`` (no Dagster)."""
