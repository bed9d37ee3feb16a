"""The benchmark's scale names, its 1% hold-back, its ratios against the issue's targets and
its tables, on hand-worked figures. No timing is asserted anywhere: the benchmark reports."""

import json
from pathlib import Path

import pytest

from benchmarks import holdback, report
from benchmarks.scales import LARGE_SCALE, parse_scale


def test_named_scales_are_large_and_its_tenth_and_hundredth() -> None:
    # large ≈ 1,000,000 support tickets / ~2,340 per unit of generator scale ≈ 427 → 430.
    assert LARGE_SCALE == 430
    assert parse_scale("large").value == 430
    assert parse_scale("tenth").value == pytest.approx(43)
    assert parse_scale(" Hundredth ").value == pytest.approx(4.3)
    assert parse_scale("hundredth").label == "hundredth"
    number = parse_scale("2.5")
    assert (number.label, number.value) == ("2.5", 2.5)


def test_the_issues_volumes_shrink_with_the_scale() -> None:
    # tenth = 43 / 430 = 0.1 of large: 1,000,000 → 100,000 tickets, 5,000 → 500 contracts.
    assert parse_scale("tenth").targets() == {
        "zendesk_tickets": 100_000,
        "incidents": 20_000,
        "deployments": 10_000,
        "survey_responses": 50_000,
        "contracts": 500,
    }


@pytest.mark.parametrize("text", ["", "huge", "0", "-3", "nan", "inf"])
def test_a_bad_scale_is_refused_with_the_accepted_forms(text: str) -> None:
    with pytest.raises(ValueError, match="scale must be a positive number"):
        parse_scale(text)


def test_targets_are_met_or_missed_at_their_boundaries() -> None:
    assert report.INGEST_VS_NATIVE.status(0.5) == "met"  # ≥ 0.5
    assert report.INGEST_VS_NATIVE.status(0.49) == "missed"
    assert report.DBT_VS_LOWER_BOUND.status(2.0) == "met"  # ≤ 2
    assert report.DBT_VS_LOWER_BOUND.status(2.01) == "missed"
    assert report.INCREMENTAL_VS_FULL.status(0.10) == "missed"  # strictly < 10%
    assert report.INCREMENTAL_VS_FULL.status(0.099) == "met"
    assert report.PEAK_MEMORY_GIB.status(None) == "n/a"


def test_growth_per_10x_the_records() -> None:
    # 1,000 → 10,000 records (one decade), 10 s → 110 s: 11× per 10×.
    assert report.growth_per_10x(1_000, 10, 10_000, 110) == pytest.approx(11.0)
    # 100 → 10,000 records (two decades), 1 s → 144 s: 144^(1/2) = 12× per 10×.
    assert report.growth_per_10x(100, 1, 10_000, 144) == pytest.approx(12.0)
    # 1,000 → 4,000 records (log10 4 = 0.602 decades), 10 s → 40 s (linear):
    # 4^(1/0.602) = 10^(log10 4 / log10 4) = 10× per 10×.
    assert report.growth_per_10x(1_000, 10, 4_000, 40) == pytest.approx(10.0)
    assert report.growth_per_10x(1_000, 10, 1_000, 40) is None  # no growth to measure


RESULT = {
    "date": "2026-12-04",
    "scale": "hundredth",
    "generator_scale": 4.3,
    "seed": 42,
    "machine": "2 cores, 24 GiB",
    "duckdb": {"memory_limit": "4GB", "threads": "2"},
    "pipeline_ok": True,
    "records": {"zendesk/tickets": 9_000, "pagerduty/incidents": 1_000},
    "files": {"zendesk/tickets": 30, "pagerduty/incidents": 1},
    "records_loaded": 10_000,
    "volumes": {"zendesk_tickets": 8_000, "incidents": 1_500},
    "volume_targets": {"zendesk_tickets": 10_000, "incidents": 2_000},
    "months": 6,
    "target_months": 36,
    "phases": {"generate": 3.0, "ingest": 4.0, "dbt build": 50.0, "validation": 10.0, "other": 16},
    "full_run_seconds": 80.0,
    "peak_rss_bytes": 1536 * report.MIB,
    "benchmark_peak_rss_bytes": 2 * report.GIB,
    "largest_process_rss_bytes": 1024 * report.MIB,
    "warehouse_bytes": 100 * report.MIB,
    "native": {"seconds": 1.0, "rows": 10_000, "tables": 2, "failures": []},
    "dbt_subset_seconds": 9.0,
    "lower_bound_seconds": 3.0,
    "lower_bound_matches": True,
    "incremental": {
        "seconds": 20.0,
        "records": 101,
        "files": 3,
        "fraction_of_records": 0.01,
        "phases": {"ingest": 0.5, "dbt build": 15.25, "validation": 3.0},
    },
}


def test_derived_ratios_from_hand_worked_figures() -> None:
    ratios = report.derived(RESULT)
    assert ratios["ingest_rows_per_second"] == 2_500  # 10,000 records / 4 s
    assert ratios["ingest_vs_native"] == 0.25  # native 1 s / ingest 4 s
    assert ratios["dbt_vs_lower_bound"] == 3.0  # 9 s / 3 s
    assert ratios["incremental_vs_full"] == 0.25  # 20 s / 80 s
    assert ratios["peak_memory_gib"] == 1.5  # 1,536 MiB


def test_a_folder_the_native_reader_could_not_read_voids_the_ingest_ratio() -> None:
    failed = {**RESULT, "native": {**RESULT["native"], "failures": ["zendesk/tickets (.json)"]}}
    assert report.derived(failed)["ingest_vs_native"] is None


def test_a_rescanned_or_remeasured_native_read_says_so_beside_its_ratio() -> None:
    native = {**RESULT["native"], "rescanned": ["servicenow/incident (.json) batch 1"]}
    noted = {**RESULT, "native": {**native, "note": "re-measured alone"}}
    text = report.render_result(noted)
    # Still 1 s / 4 s = 0.25: a rescanned batch is read, not failed.
    assert "= 0.25 (1 batches of mixed JSON shapes read with the schema of every record)" in text
    assert text.endswith("Native read: re-measured alone.\n")


def test_one_run_renders_as_one_table_with_targets() -> None:
    text = report.render_result(RESULT)
    table = [line for line in text.splitlines() if line.startswith("|")]
    assert table[0] == "| measure | value | target | result |"
    assert "| records: zendesk/tickets | 9,000 in 30 files |  |  |" in table
    assert "| records: pagerduty/incidents | 1,000 in 1 file |  |  |" in table
    # 8,000 of the issue's 10,000 tickets at this scale = 0.80×.
    assert (
        "| volume: Zendesk tickets (fct_tickets) | 8,000 | issue: 10,000 at this scale "
        "| 0.80× the issue's |"
    ) in table
    assert "| ingest rows/s | 2,500 |  |  |" in table
    assert "| peak RSS, process tree (full run) | 1.50 GiB | < 4 GiB | met |" in table
    assert (
        "| ingest vs DuckDB native read (native s / ingest s) | 1.0 s / 4.0 s = 0.25 "
        "| ≥ 0.50 | missed |"
    ) in table
    assert (
        "| dbt run (two marts' lineage) vs lower bound SQL | 9.0 s / 3.0 s = 3.00× "
        "| ≤ 2× | missed |"
    ) in table
    assert (
        "| incremental run vs full run | 20.0 s / 80.0 s = 25.0% "
        "(+101 records = 1.0%, 3 files) | < 10% | missed |"
    ) in table
    assert (
        "| seconds: incremental run by phase | ingest 0.5 s, dbt build 15.2 s, "
        "validation 3.0 s |  |  |"
    ) in table
    # Every row has the table's four columns.
    assert all(line.count("|") == 5 for line in table)


def test_combined_table_orders_scales_and_measures_growth(tmp_path: Path) -> None:
    tenth = {
        **RESULT,
        "scale": "tenth",
        "generator_scale": 43,
        "records_loaded": 100_000,
        "full_run_seconds": 400.0,
    }
    older = {**RESULT, "date": "2026-12-01", "full_run_seconds": 1.0}
    for name, result in [("a", tenth), ("b", RESULT), ("c", older)]:
        (tmp_path / f"{name}.json").write_text(json.dumps(result))
    results = report.latest_per_scale(tmp_path)
    assert sorted(result["date"] for result in results) == ["2026-12-04", "2026-12-04"]
    rows = report.render_combined(results).splitlines()
    assert rows[2].startswith("| hundredth (4.30) | 2026-12-04 | 10,000 | 80.0 s | 2,500 | - |")
    # 10,000 → 100,000 records, 80 s → 400 s: 5× per 10× (met, ≤ 12×).
    assert rows[3].startswith(
        "| tenth (43) | 2026-12-04 | 100,000 | 400.0 s | 25,000 | 5.0× (met) |"
    )


def test_holdback_takes_the_newest_stream_pages_within_the_budget() -> None:
    events = "zendesk/ticket_metric_events/ticket_metric_events"
    sizes = {
        # 8 event pages of 100 bytes: the newest by date are 2026-06 p002, then p001.
        **{f"{events}_2026-0{m}_p00{p}.json": 100 for m in (3, 6) for p in (1, 2)},
        **{f"{events}_2026-0{m}_p001.json": 100 for m in (1, 2, 4, 5)},
        # Entities, not a stream: never held back, however new.
        "zendesk/tickets/tickets_2026-07-01_p001.json": 40,
        # One reference file without a date.
        "catalog/services/services.csv": 9_000,
        # A stream's only page: a folder keeps three quarters (1 // 4 = 0 may go).
        "pagerduty/log_entries/log_entries_2026-06_p001.json": 50,
    }
    # 1% of 9,000 + 800 + 40 + 50 = 98.9 bytes: no 100-byte page fits.
    assert holdback.choose_holdback(sizes, 0.01) == []
    # 3% = 296.7 bytes: the newest page, then the next; a third would make 300 > 296.7
    # (and 8 // 4 = 2 is the folder's most anyway).
    assert holdback.choose_holdback(sizes, 0.03) == [
        f"{events}_2026-06_p001.json",
        f"{events}_2026-06_p002.json",
    ]
    # 10% = 989 bytes: still two (the quarter rule), never the tickets page.
    assert len(holdback.choose_holdback(sizes, 0.10)) == 2


def test_holdback_moves_files_out_and_back(tmp_path: Path) -> None:
    landing, held = tmp_path / "landing", tmp_path / "held"
    page = landing / "zendesk" / "tickets" / "tickets_2026-06_p001.json"
    page.parent.mkdir(parents=True)
    page.write_text("[]")
    holdback.move(["zendesk/tickets/tickets_2026-06_p001.json"], landing, held)
    assert not page.exists()
    assert (held / "zendesk" / "tickets" / "tickets_2026-06_p001.json").read_text() == "[]"
    holdback.move(["zendesk/tickets/tickets_2026-06_p001.json"], held, landing)
    assert page.read_text() == "[]"


def test_native_read_rereads_a_batch_whose_sample_missed_a_field_shape(tmp_path: Path) -> None:
    """ServiceNow reference fields come as a {link, value} object or as a sys_id string.
    40 pages of one record each: the first 39 objects, the 40th a string. DuckDB samples
    32 files, so the sampled read fails on page 40; the batch is read again in chunks of
    32 pages (RESCAN_FILES), each with the schema of every record: 40 rows in 2 tables,
    no failure, one rescanned batch."""
    from benchmarks.native import read_natively

    folder = tmp_path / "landing" / "servicenow" / "incident"
    folder.mkdir(parents=True)
    for number in range(1, 41):
        assigned_to = {"link": "https://x/api/now/table/sys_user/u1", "value": "u1"}
        if number == 40:
            assigned_to = "u1"
        page = {"result": [{"sys_id": f"i{number}", "assigned_to": assigned_to}]}
        (folder / f"incident_p{number:03d}.json").write_text(json.dumps(page))
    native = read_natively(tmp_path / "landing", tmp_path / "native.duckdb")
    assert native.failures == []
    assert native.rescanned == ["servicenow/incident (.json) batch 1"]
    assert (native.rows, native.tables) == (40, 2)
