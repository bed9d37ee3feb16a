"""Other engines than the embedded DuckDB: the same dbt project on a warehouse server.

- ``postgres``: find (or install from Debian's ``postgresql`` package) PostgreSQL and run a
  throwaway cluster on a free loopback port, for ``make test-engines``;
- ``load_raw``: copy the ``raw`` schema of a DuckDB warehouse (the ledger, the rejections
  and every ``raw.<tool>__<entity>``) into a server's ``raw`` schema with ``COPY``;
- ``spark``: the same copy into Apache Spark in local mode (parquet files DuckDB writes,
  recreated as Spark tables with the ``spark`` target's session settings), for dbt-spark's
  ``method: session`` (``KPI_SPARK_DIR`` holds its warehouse and Derby metastore).

Connection settings come from the same environment variables as ``profiles.yml``'s
``postgres`` target (``KPI_PG_HOST``, ``KPI_PG_PORT``, ``KPI_PG_USER``, ``KPI_PG_PASSWORD``,
``KPI_PG_DATABASE``); Spark's from ``KPI_SPARK_DIR``.
"""
