"""The whole pipeline (ingest -> dbt build -> GX) on `fixtures/landing_e2e`, whose every
number is worked out by hand below.

The fixture (times UTC; catalog: checkout = PCHK001, search = PSRCH01, internal-tools =
PINT001 non-production; PLEGACY is not in the catalog):

    id  service         prio/urg  trigger            first ack          resolve
    A   checkout        P1        01-10 10:00        10:03   (180 s)    10:45  (2700 s)
    B   checkout        P1        01-20 08:00        08:10   (600 s)    09:30  (5400 s)
        (acks 08:10, unack 08:15, ack 08:20: the first counts; exported first as
         acknowledged, then resolved with a newer updated_at)
    C   checkout        P1        01-25 12:00        -                  12:20  (1200 s)
    D   checkout        P1        01-31 23:50        02-01 00:05 (900 s) 02-01 01:50 (7200 s)
    E   search          -/high    01-15 09:00        09:01   (60 s)     15:00  (21600 s)
    F   PLEGACY         P3        02-03 14:00        (no log entries)   16:30 from the record
    G   internal-tools  P2        02-05 10:00        -                  10:30  (non-production)
    H   search          P4        02-10 10:00        -                  open

B repeats A's incident_key `db-conn` on the same service 9 days 21 h after A resolved:
a recurrence. D triggers on January 31st and counts in January.
Bad input: `incidents_2026-02_p002.json` is truncated (whole file rejected) and log entry
LBAD has `created_at: "not-a-time"` (that record rejected, its page loads).
"""

import json
from decimal import Decimal

from orchestration_tests.conftest import PipelineRun, tree_hashes

D = Decimal

# month_start, service_id, severity, incidents, acknowledged, resolved, mtta, mttr,
# tta p50, tta p90, ttr p50, ttr p90, recurrence %, mttr target, over target by 30 %
EXPECTED_KPI_ROWS = [
    # checkout/SEV1/January: A, B, C, D.
    #   acks 180, 600, 900 s -> mtta = 1680/3 = 560 s = 9.333 -> 9.33 min
    #   p50 = 600 s = 10.00; p90 at position 0.9 × 2 = 1.8: 600 + 0.8 × 300 = 840 s = 14.00
    #   resolves 2700, 5400, 1200, 7200 s -> mttr = 16500/4 = 4125 s = 68.75 min
    #   sorted 1200, 2700, 5400, 7200: p50 at 1.5: 2700 + 0.5 × 2700 = 4050 s = 67.50;
    #   p90 at 0.9 × 3 = 2.7: 5400 + 0.7 × 1800 = 6660 s = 111.00
    #   recurrence 1 (B) of 4 = 25.00 %; target (*, SEV1) = 60; 68.75 > 78? no
    (
        "2026-01-01", "checkout", "SEV1", 4, 3, 4,
        D("9.33"), D("68.75"), D("10.00"), D("14.00"), D("67.50"), D("111.00"),
        D("25.00"), D("60.00"), False,
    ),
    # search/SEV2/January: E has no priority and high urgency -> SEV2.
    #   ack 60 s = 1.00 min; resolve 21600 s = 360.00 min; target (*, SEV2) = 240;
    #   360 > 1.3 × 240 = 312 -> over target
    (
        "2026-01-01", "search", "SEV2", 1, 1, 1,
        D("1.00"), D("360.00"), D("1.00"), D("1.00"), D("360.00"), D("360.00"),
        D("0.00"), D("240.00"), True,
    ),
    # unmapped:pagerduty:PLEGACY/SEV3/February: F, no log entries: triggered at created_at
    #   14:00, resolved at the record's resolved_at 16:30 = 9000 s = 150.00 min; never acked.
    #   target (*, SEV3) = 1440; 150 > 1872? no
    (
        "2026-02-01", "unmapped:pagerduty:PLEGACY", "SEV3", 1, 0, 1,
        None, D("150.00"), None, None, D("150.00"), D("150.00"),
        D("0.00"), D("1440.00"), False,
    ),
    # search/SEV4/February: H, open and unacknowledged: no means, no flag; target 4320.
    (
        "2026-02-01", "search", "SEV4", 1, 0, 0,
        None, None, None, None, None, None,
        D("0.00"), D("4320.00"), None,
    ),
    # G (internal-tools) is non-production: in fct_incidents, in no kpi_ row.
]  # fmt: skip


def test_kpi_incident_response_matches_hand_worked_values(e2e_run: PipelineRun) -> None:
    rows = e2e_run.query(
        "select strftime(month_start, '%Y-%m-%d'), service_id, severity, incidents, "
        "acknowledged, resolved, mtta_minutes, mttr_minutes, tta_p50_minutes, "
        "tta_p90_minutes, ttr_p50_minutes, ttr_p90_minutes, recurrence_rate_pct, "
        "mttr_target_minutes, is_mttr_over_target_30pct "
        "from marts.kpi_incident_response order by month_start, service_id, severity"
    )
    expected = sorted(EXPECTED_KPI_ROWS, key=lambda row: (row[0], row[1], row[2]))
    assert rows == expected


def test_fct_incidents_has_one_row_per_incident(e2e_run: PipelineRun) -> None:
    rows = e2e_run.query(
        "select source_incident_id, service_id, severity, is_production, is_recurrence, "
        "seconds_to_ack, seconds_to_resolve, status "
        "from marts.fct_incidents order by source_incident_id"
    )
    assert rows == [
        ("PINCA01", "checkout", "SEV1", True, False, 180, 2700, "resolved"),
        ("PINCB01", "checkout", "SEV1", True, True, 600, 5400, "resolved"),
        ("PINCC01", "checkout", "SEV1", True, False, None, 1200, "resolved"),
        ("PINCD01", "checkout", "SEV1", True, False, 900, 7200, "resolved"),
        ("PINCE01", "search", "SEV2", True, False, 60, 21600, "resolved"),
        ("PINCF01", "unmapped:pagerduty:PLEGACY", "SEV3", True, False, None, 9000, "resolved"),
        ("PINCG01", "internal-tools", "SEV2", False, False, None, 1800, "resolved"),
        ("PINCH01", "search", "SEV4", True, False, None, None, "triggered"),
    ]


def test_bad_input_is_recorded_and_the_rest_loads(e2e_run: PipelineRun) -> None:
    rejections = e2e_run.query(
        "select file_path, record_number, reason from raw.ingest_rejections order by file_path"
    )
    assert [(path, number) for path, number, _ in rejections] == [
        ("pagerduty/incidents/incidents_2026-02_p002.json", None),
        ("pagerduty/log_entries/log_entries_2026-01_p001.json", 14),
    ]
    assert rejections[0][2].startswith("invalid JSON (truncated or malformed)")
    assert rejections[1][2] == "unparsable timestamp created_at: not-a-time"
    # January's log page still loaded its 13 good entries.
    assert e2e_run.query(
        "select status, records, rejected from raw.ingest_files "
        "where file_path = 'pagerduty/log_entries/log_entries_2026-01_p001.json'"
    ) == [("partial", 13, 1)]


def test_raw_keeps_every_version_and_staging_the_latest(e2e_run: PipelineRun) -> None:
    # incidents: 5 in January's page + 5 in February's (the truncated page loads nothing);
    # log entries: 13 + 6 in the pages + 3 repeated in the JSON Lines export = 22 rows,
    # 19 distinct entries.
    assert e2e_run.raw_counts_after_first == {
        "ingest_files": 7,
        "ingest_rejections": 2,
        "pagerduty__incidents": 10,
        "pagerduty__log_entries": 22,
        "catalog__services": 3,
    }
    assert e2e_run.query("select count(*) from staging.stg_pagerduty__log_entries") == [(19,)]
    # B was exported acknowledged, then resolved: the newer version wins.
    assert e2e_run.query(
        "select status, resolved_at::varchar from staging.stg_pagerduty__incidents "
        "where incident_id = 'PINCB01'"
    ) == [("resolved", "2026-01-20 09:30:00")]


def test_second_run_adds_nothing_and_exports_stay_untouched(e2e_run: PipelineRun) -> None:
    assert e2e_run.raw_counts_after_second == e2e_run.raw_counts_after_first
    assert tree_hashes(e2e_run.landing) == e2e_run.landing_hashes_before


def test_headline_kpis_are_printed(e2e_run: PipelineRun) -> None:
    output = e2e_run.first_output
    assert "Pipeline succeeded" in output
    # 10 incident rows + 22 log entry rows + 3 catalog rows; 1 file + 1 record rejected.
    assert e2e_run.query(
        "select count(*), sum(records), sum(rejected) from raw.ingest_files "
        "where file_path like 'pagerduty/%' or file_path like 'catalog/%'"
    ) == [(7, 35, 2)]
    # The line totals every tool's fixture (the other domains' modules count theirs).
    files, records, rejected = e2e_run.query(
        "select count(*), sum(records), sum(rejected) from raw.ingest_files"
    )[0]
    assert f"Ingest: {files} files, {records} records loaded, {rejected} rejected" in output
    assert "Incidents: 8 in fct_incidents, 1 open, 1 on services the catalog does not list" in (
        output
    )
    assert "FAILED CHECK" not in output


def test_every_dbt_unit_test_ran_and_passed(e2e_run: PipelineRun) -> None:
    """A first build runs each unit test of the manifest before its model."""
    last_run = e2e_run.first_dbt_artifacts
    manifest = json.loads((last_run / "manifest.json").read_text())
    results = json.loads((last_run / "run_results.json").read_text())["results"]
    unit_tests = set(manifest["unit_tests"])
    statuses = {result["unique_id"]: result["status"] for result in results}
    assert unit_tests, "the project defines unit tests"
    assert {unique_id: statuses.get(unique_id) for unique_id in unit_tests} == dict.fromkeys(
        unit_tests, "pass"
    )
