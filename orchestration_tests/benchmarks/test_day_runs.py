"""benchmarks/day_runs.py: which files a day holds back, what it reads from `make run`'s
summary, and the table's share of the first run."""

from benchmarks.day_runs import files_of_day, newest_days, parse_run_output, render

PATHS = [
    "zendesk/tickets/tickets_2026-06-29_p001.json",
    "zendesk/tickets/tickets_2026-07-01_p001.json",
    "zendesk/ticket_metric_events/ticket_metric_events_2026-06-29_p013.json",
    "zendesk/ticket_metrics/ticket_metrics_2026-06_p042.json",  # a month, not a day
    "statuspage/incidents/incidents_2026-07-01T0030.json",
    "gitlab/environments/project-11053_environments_2026-07-01.json",
    "zendesk/holidays/schedule-360000394557_holidays.json",  # no date
    "2026-07-02/notes.json",  # a date in the folder, not in the name
]


def test_a_day_is_the_files_whose_name_carries_its_date() -> None:
    assert files_of_day(PATHS, "2026-07-01") == [
        "gitlab/environments/project-11053_environments_2026-07-01.json",
        "statuspage/incidents/incidents_2026-07-01T0030.json",
        "zendesk/tickets/tickets_2026-07-01_p001.json",
    ]
    assert files_of_day(PATHS, "2026-06-29") == [
        "zendesk/ticket_metric_events/ticket_metric_events_2026-06-29_p013.json",
        "zendesk/tickets/tickets_2026-06-29_p001.json",
    ]
    # Monthly pages and undated files never belong to a day.
    assert files_of_day(PATHS, "2026-06-01") == []


def test_the_default_days_are_the_two_newest_dates_in_file_names() -> None:
    # 2026-07-02 is only a folder name: not a day of the exports.
    assert newest_days(PATHS, 2) == ["2026-06-29", "2026-07-01"]


SUMMARY = """Plan: changed (new rows in 2 raw tables); 15 new landing files
Run summary
  files:   15 loaded, 357 already loaded, 0 rejected
  records: 14063 loaded, 0 rejected
  dbt:     21 models built, 0 seeds; tests 77 passed, 0 failed, 3 warned
  checks:  7 passed, 0 failed; 1 reconciliation breaks
  time:    ingest 0.4 s, dbt build 11.7 s, exports and reports 0.2 s, validation 1.0 s
Pipeline succeeded in 15.2 s (incremental)
"""

NOTHING = """Plan: nothing (no new rows); 0 new landing files
Run summary
  files:   0 loaded, 372 already loaded, 0 rejected
  records: 0 loaded, 0 rejected
  dbt:     nothing to build (no new rows): the marts are up to date
"""


def test_the_run_summary_gives_counts_and_phase_times() -> None:
    assert parse_run_output(SUMMARY) == {
        "files": 15,
        "records": 14063,
        "models": 21,
        "tests": 77,
        "phases": {
            "ingest": 0.4,
            "dbt build": 11.7,
            "exports and reports": 0.2,
            "validation": 1.0,
        },
    }
    assert parse_run_output(NOTHING) == {
        "files": 0,
        "records": 0,
        "models": 0,
        "tests": 0,
        "phases": {},
    }


def test_the_table_gives_each_run_as_a_share_of_the_first() -> None:
    first = {"files": 2738, "records": 647708, "models": 91, "tests": 603, "seconds": 80.0}
    result = {
        "scale": 10.0,
        "date": "2026-12-05",
        "machine": "2 cores",
        "landing_files": 2881,
        "runs": [
            {"run": "first run", **first, "phases": {"ingest": 14.0, "dbt build": 48.0}},
            {"run": "+ 2026-06-29", **parse_run_output(SUMMARY), "seconds": 17.2},
            {"run": "nothing new", **parse_run_output(NOTHING), "seconds": 3.2},
        ],
        "full_rebuild": {"seconds": 82.0},
        "compared_tables": 23,
        "compared_rows": 1216009,
        "differences": {},
        "parse_seconds": 10.4,
    }
    lines = render(result).splitlines()
    # 17.2 / 80.0 = 21.5% -> "22%" (rounded half to even: 21.5 -> 22); 3.2 / 80 = 4%.
    assert (
        "| + 2026-06-29 | 15 | 14,063 | 21 | 77 | 17.2 s | 22% | 0.4 s | 11.7 s | 1.0 s |" in lines
    )
    assert "| first run | 2,738 | 647,708 | 91 | 603 | 80.0 s | 100% | 14.0 s | 48.0 s | - |" in (
        lines
    )
    assert "| nothing new | 0 | 0 | 0 | 0 | 3.2 s | 4% | - | - | - |" in lines
    assert lines[-1].endswith("equal (23 tables, 1,216,009 rows).")
    # The parse before the first run is reported, not counted in its time.
    assert lines[-2].startswith("The first run follows a `dbt parse` for its environment (10.4 s")
