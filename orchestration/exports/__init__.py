"""Files the warehouse hands to other teams (plain Python, no Dagster)."""
