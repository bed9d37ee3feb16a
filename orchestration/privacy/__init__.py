"""Personal data: the keyed hash staging exposes instead of it, and the retention purge."""
