"""Two warehouses compared row for row: what `test_incremental_e2e` asserts (an incremental
history equals a full rebuild) and what `benchmarks.day_runs` checks after its day runs."""

from __future__ import annotations

from pathlib import Path

import duckdb

# The incremental intermediate models: the marts read their stored rows of tickets that
# a run did not bring back, so they must equal a rebuild too.
INCREMENTAL_INTERMEDIATE = (
    "int_ticket_clock_periods",
    "int_ticket_group_periods",
    "int_ticket_status_periods",
    "int_tickets_timed",
)


def _tables(con: duckdb.DuckDBPyConnection, catalog: str) -> list[tuple[str, str]]:
    return con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_catalog = $1 and (table_schema in ('marts', 'restricted') "
        "or (table_schema = 'intermediate' and list_contains($2, table_name))) "
        "order by 1, 2",
        [catalog, list(INCREMENTAL_INTERMEDIATE)],
    ).fetchall()


def compare_marts(full: Path, incremental: Path) -> tuple[dict[str, dict], dict[str, int]]:
    """Every table of the marts and restricted schemas, and the incremental intermediate
    models, of two warehouses, compared as multisets of rows (columns starting with `_`,
    the load times, left out): the differences by table (empty when equal) and the row
    count of each table."""
    con = duckdb.connect(str(full), read_only=True)
    try:
        con.execute(f"attach '{incremental}' as incremental (read_only)")
        full_catalog = con.execute("select current_database()").fetchone()[0]
        full_tables = _tables(con, full_catalog)
        differences: dict[str, dict] = {}
        incremental_tables = _tables(con, "incremental")
        if incremental_tables != full_tables:
            differences["tables"] = {
                "only in full rebuild": sorted(set(full_tables) - set(incremental_tables)),
                "only in incremental": sorted(set(incremental_tables) - set(full_tables)),
            }
            return differences, {}
        rows: dict[str, int] = {}
        for schema, table in full_tables:
            columns = [
                name
                for (name,) in con.execute(
                    "select column_name from information_schema.columns "
                    "where table_catalog = $1 and table_schema = $2 and table_name = $3 "
                    "order by ordinal_position",
                    [full_catalog, schema, table],
                ).fetchall()
                # load times differ by construction (the batches loaded later)
                if not name.startswith("_")
            ]
            select = ", ".join(f'"{name}"' for name in columns)
            whole = f'select {select} from "{full_catalog}".{schema}.{table}'
            partial = f"select {select} from incremental.{schema}.{table}"
            only_full = con.execute(f"{whole} except all {partial}").fetchall()
            only_incremental = con.execute(f"{partial} except all {whole}").fetchall()
            if only_full or only_incremental:
                differences[f"{schema}.{table}"] = {
                    "only in full rebuild": only_full[:3],
                    "only in incremental": only_incremental[:3],
                }
            rows[f"{schema}.{table}"] = con.execute(f"select count(*) from ({whole})").fetchone()[0]
    finally:
        con.close()
    return differences, rows
