"""Release and deployment KPIs (spec §7) end to end on `fixtures/landing_e2e`: the GitLab,
Jenkins, GitHub and ServiceNow exports below against the PagerDuty incidents of
`test_pipeline_e2e.py`, every number worked out by hand.

Deployments (times UTC; `c1`.. are the SHAs c1c1.., `s1` = 5151.., `s2` = 5252..):

    id           tool     service   env         sha  finished          outcome
    gitlab:9002  GitLab   checkout  staging     c1   01-09 08:35       success (non-production)
    gitlab:9001  GitLab   checkout  production  c1   01-09 10:00 Fri   success, 480 s
    jenkins #10  Jenkins  checkout  staging     c2   01-19 10:03:20    success (non-production)
    jenkins #11  Jenkins  checkout  production  c2   01-19 14:02 Mon   FAILURE, CHG0000101
    jenkins #12  Jenkins  checkout  production  c2   01-19 15:05 Mon   SUCCESS (retry), CHG0000101
    github:5001  GitHub   checkout  production  c3   01-20 07:00 Tue   success
    jenkins #13  Jenkins  checkout  production  c2   01-20 08:34 Tue   ROLLBACK=true, CHG0000102
    gitlab:9003  GitLab   checkout  production  c4   01-30 23:55 Fri   success, 600 s
    github:7001  GitHub   search    production  s1   01-14 16:04 Wed   success, payload CHG0000201
    github:7002  GitHub   search    production  s2   01-15 10:03       failure
    github:7004  GitHub   search    staging     s2   02-09 09:03       success (non-production)
    github:7003  GitHub   search    production  s2   02-09 10:06 Mon   success, CHG0000202 in text

Commit times: c1 created 01-09 08:00+01:00 = 07:00 UTC (GitLab job commit), c4 01-29
18:55-05:00 = 23:55 UTC, c2 is the merge commit of merge request !31 merged 01-19 09:00
(so the Jenkins builds of c2 get a lead time too); c3, s1, s2: unknown.
ServiceNow: CHG0000101 normal, CHG0000102 emergency (work_end 01-20 08:40, closed 01-24
12:40 = 100 h later > 72 h: review overdue), CHG0000201 standard; CHG0000202 is not
exported. INC0000101 mirrors PagerDuty B (correlation_id PINCB01) and names CHG0000101 in
`caused_by`.

Rollbacks: #13 deploys c2, which succeeded before (#12) and is not live (GitHub 5001's c3
is): a rollback (and flagged ROLLBACK=true); it returns to c2, the SHA live before 5001, so
5001 is rolled back. #12 retries the failed #11 with the same SHA: not a rollback. 7003
retries the failed s2 of 7002: not a rollback either.

Attribution (window 24 h, the edge counts):
    A 01-10 10:00 -> gitlab:9001 (01-09 10:00, exactly 24 h before)
    B 01-20 08:00 -> jenkins #12 by caused_by (CHG0000101), although GitHub 5001 (07:00)
                     is the latest deployment before B
    C 01-25 12:00 -> none (the latest, #13 at 01-20 08:34, is 5 days before)
    D 01-31 23:50 -> gitlab:9003 (23 h 55 min before)
    E 01-15 09:00 -> github:7001 (16 h 56 min before; 7002 failed after E, and a failed
                     attempt is never the cause)
    H 02-10 10:00 -> github:7003 (23 h 54 min before)
    F (unmapped PLEGACY) and G (internal-tools, non-production) -> none
"""

from decimal import Decimal

from orchestration_tests.conftest import PipelineRun

D = Decimal

# deployment_id, source, service_id, environment, is_production, status, is_rollback,
# is_rolled_back, change_request_number, lead_time_seconds, duration_seconds, change_type,
# is_retro_validation_overdue
EXPECTED_DEPLOYMENTS = [
    # created 06:55, success 07:00 -> 300 s; no commit time for c3 -> no lead time;
    # rolled back by #13.
    ("github:5001", "github", "checkout", "production", True, "success", False, True,
     None, None, 300, None, False),
    # created 16:00, success 16:04 -> 240 s; payload names CHG0000201 (standard).
    ("github:7001", "github", "search", "production", True, "success", False, False,
     "CHG0000201", None, 240, "standard", False),
    ("github:7002", "github", "search", "production", True, "failed", False, False,
     None, None, 180, None, False),
    # the description names CHG0000202, which ServiceNow did not export: no change type
    ("github:7003", "github", "search", "production", True, "success", False, False,
     "CHG0000202", None, 360, None, False),
    ("github:7004", "github", "search", "staging", False, "success", False, False,
     None, None, 180, None, False),
    # lead 10:00 - 07:00 = 3 h = 10800 s; job 09:52 -> 10:00 = 480 s
    ("gitlab:9001", "gitlab", "checkout", "production", True, "success", False, False,
     None, 10800, 480, None, False),
    # staging: lead 08:35 - 07:00 = 5700 s
    ("gitlab:9002", "gitlab", "checkout", "staging", False, "success", False, False,
     None, 5700, 300, None, False),
    # lead 01-30 23:55 - 01-29 23:55 = 86400 s
    ("gitlab:9003", "gitlab", "checkout", "production", True, "success", False, False,
     None, 86400, 600, None, False),
    # staging: lead 10:03:20 - 09:00 = 3800 s
    ("jenkins:checkout-deploy#10", "jenkins", "checkout", "staging", False, "success", False,
     False, None, 3800, 200, None, False),
    ("jenkins:checkout-deploy#11", "jenkins", "checkout", "production", True, "failed", False,
     False, "CHG0000101", None, 120, "normal", False),
    # lead 15:05 - 09:00 = 6 h 05 min = 21900 s
    ("jenkins:checkout-deploy#12", "jenkins", "checkout", "production", True, "success", False,
     False, "CHG0000101", 21900, 300, "normal", False),
    # a rollback has no lead time; emergency change reviewed 100 h after work_end: overdue
    ("jenkins:checkout-deploy#13", "jenkins", "checkout", "production", True, "success", True,
     False, "CHG0000102", None, 240, "emergency", True),
]  # fmt: skip

# week_start, service_id, deployments, deployment_frequency_per_day, lead_time_p50_hours,
# deployment_attempts, failed_deployment_attempts, change_failure_rate_pct,
# failed_deployment_recovery_p50_hours, incidents, time_to_restore_p50_hours, and the
# bands of deployment frequency, lead time, change failure rate, recovery
EXPECTED_DORA = [
    # checkout, week of 01-05: 9001 (A attributed). DF 1/7 = 0.14 (>= 0.142857: high);
    # lead 3.00 h elite; CFR 1/1 = 100 % low; recovery A resolved 01-10 10:45 - 01-09
    # 10:00 = 24 h 45 min = 24.75 h (a day to a week: medium); A restored in 2700 s = 0.75 h.
    ("2026-01-05", "checkout", 1, D("0.14"), D("3.00"), 1, 1, D("100.00"), D("24.75"),
     1, D("0.75"), "high", "elite", "low", "medium"),
    # checkout, week of 01-19: #11 failed, #12 (B), 5001 (rolled back), #13 (clean
    # rollback): 3 deployments, DF 3/7 = 0.43; 4 attempts, 3 failing -> 75.00 % (the
    # denominator is deployment attempts, not the 2 changes); lead p50 of #12 only (5001
    # unknown, #13 a rollback) = 21900 s = 6.08 h elite; recovery B 09:30 - #12 15:05 the
    # day before = 18 h 25 min = 18.42 h high; incidents B (5400 s) and C (Sunday 01-25,
    # 1200 s): restore p50 = 3300 s = 0.92 h.
    ("2026-01-19", "checkout", 3, D("0.43"), D("6.08"), 4, 3, D("75.00"), D("18.42"),
     2, D("0.92"), "high", "elite", "low", "high"),
    # checkout, week of 01-26: 9003 (D); lead 24.00 h: the cut-off belongs to high;
    # recovery D 02-01 01:50 - 01-30 23:55 = 25 h 55 min = 25.92 h medium; D 7200 s = 2.00.
    ("2026-01-26", "checkout", 1, D("0.14"), D("24.00"), 1, 1, D("100.00"), D("25.92"),
     1, D("2.00"), "high", "high", "low", "medium"),
    # search, week of 01-12: 7001 (E) and the failed 7002 -> 2/2 = 100 %; no commit times;
    # recovery E 01-15 15:00 - 01-14 16:04 = 22 h 56 min = 22.93 h high; E 21600 s = 6.00.
    ("2026-01-12", "search", 1, D("0.14"), None, 2, 2, D("100.00"), D("22.93"),
     1, D("6.00"), "high", None, "low", "high"),
    # search, week of 02-09: 7003 caused H, still open: no recovery, no restore time.
    ("2026-02-09", "search", 1, D("0.14"), None, 1, 1, D("100.00"), None,
     1, None, "high", None, "low", None),
    # an incident-only week: F on the unmapped PagerDuty service (9000 s = 2.50 h); no
    # deployment: DF 0 -> low, CFR NULL without a band. G (non-production) has no row.
    ("2026-02-02", "unmapped:pagerduty:PLEGACY", 0, D("0.00"), None, 0, 0, None, None,
     1, D("2.50"), "low", None, None, None),
]  # fmt: skip


def test_fct_deployments_matches_hand_worked_rows(e2e_run: PipelineRun) -> None:
    rows = e2e_run.query(
        "select deployment_id, source, service_id, environment, is_production, status, "
        "is_rollback, is_rolled_back, change_request_number, lead_time_seconds, "
        "duration_seconds, change_type, is_retro_validation_overdue "
        "from marts.fct_deployments order by deployment_id"
    )
    assert rows == EXPECTED_DEPLOYMENTS


def test_incidents_are_attributed_caused_by_first_then_the_window(e2e_run: PipelineRun) -> None:
    rows = e2e_run.query(
        "select incident_id, deployment_id, attribution_method "
        "from intermediate.int_incident_attributions order by incident_id"
    )
    assert rows == [
        ("pagerduty:PINCA01", "gitlab:9001", "deployment_window"),
        ("pagerduty:PINCB01", "jenkins:checkout-deploy#12", "caused_by"),
        ("pagerduty:PINCC01", None, None),
        ("pagerduty:PINCD01", "gitlab:9003", "deployment_window"),
        ("pagerduty:PINCE01", "github:7001", "deployment_window"),
        ("pagerduty:PINCF01", None, None),
        ("pagerduty:PINCG01", None, None),
        ("pagerduty:PINCH01", "github:7003", "deployment_window"),
    ]
    # The ServiceNow mirror of B merged into B's row: still 8 incidents, B keeps
    # PagerDuty's times and gains the ServiceNow number.
    assert e2e_run.query(
        "select count(*), count(servicenow_incident_number) from marts.fct_incidents"
    ) == [(8, 1)]


def test_kpi_dora_matches_hand_worked_rows(e2e_run: PipelineRun) -> None:
    rows = e2e_run.query(
        "select strftime(week_start, '%Y-%m-%d'), service_id, deployments, "
        "deployment_frequency_per_day, lead_time_p50_hours, deployment_attempts, "
        "failed_deployment_attempts, change_failure_rate_pct, "
        "failed_deployment_recovery_p50_hours, incidents, time_to_restore_p50_hours, "
        "deployment_frequency_band, lead_time_band, change_failure_rate_band, "
        "failed_deployment_recovery_band from marts.kpi_dora order by service_id, week_start"
    )
    assert rows == sorted(EXPECTED_DORA, key=lambda row: (row[1], row[0]))


def test_fct_release_health_rows(e2e_run: PipelineRun) -> None:
    """One row per successful production deployment. Ticket and CSAT columns are asserted
    in the dbt unit tests (the Zendesk fixture folders belong to the support tests)."""
    rows = e2e_run.query(
        "select deployment_id, service_id, attributed_incidents, is_rollback, is_rolled_back, "
        "duration_seconds, change_request_number, change_type, is_friday_afternoon "
        "from marts.fct_release_health order by deployment_id"
    )
    assert rows == [
        ("github:5001", "checkout", 0, False, True, 300, None, None, False),
        ("github:7001", "search", 1, False, False, 240, "CHG0000201", "standard", False),
        ("github:7003", "search", 1, False, False, 360, "CHG0000202", None, False),
        # Friday 01-09 10:00: morning
        ("gitlab:9001", "checkout", 1, False, False, 480, None, None, False),
        # Friday 01-30 23:55: afternoon (>= 12:00)
        ("gitlab:9003", "checkout", 1, False, False, 600, None, None, True),
        ("jenkins:checkout-deploy#12", "checkout", 1, False, False, 300, "CHG0000101", "normal",
         False),
        ("jenkins:checkout-deploy#13", "checkout", 0, True, False, 240, "CHG0000102",
         "emergency", False),
    ]  # fmt: skip


def test_kpi_release_quality_and_timing(e2e_run: PipelineRun) -> None:
    quality = e2e_run.query(
        "select strftime(month_start, '%Y-%m-%d'), service_id, deployments, deployment_attempts, "
        "failed_deployment_attempts, change_failure_rate_pct, rollbacks, "
        "rolled_back_deployments, rollback_rate_pct, attributed_incidents, mttr_minutes, "
        "mttr_target_minutes, is_mttr_over_target_30pct, is_degraded_3_cycles "
        "from marts.kpi_release_quality order by service_id, month_start"
    )
    assert quality == [
        # checkout, January: 6 attempts (9001, #11, #12, 5001, #13, 9003), 5 succeeded;
        # failing: 9001 (A), #11, #12 (B), 5001 (rolled back), 9003 (D) = 5/6 = 83.33 %;
        # rollback #13; rolled back 5001: 1/5 = 20.00 %; A, B, D (SEV1) resolved in 2700,
        # 5400, 7200 s: mean 5100 s = 85.00 min > 1.3 × 60 = 78 -> over target.
        ("2026-01-01", "checkout", 5, 6, 5, D("83.33"), 1, 1, D("20.00"), 3, D("85.00"),
         D("60.00"), True, False),
        # search, January: 7001 (E) + failed 7002 = 2/2; E (SEV2) 360 min > 1.3 × 240 = 312.
        ("2026-01-01", "search", 1, 2, 2, D("100.00"), 0, 0, D("0.00"), 1, D("360.00"),
         D("240.00"), True, False),
        # search, February: 7003 (H, still open: no MTTR, no target).
        ("2026-02-01", "search", 1, 1, 1, D("100.00"), 0, 0, D("0.00"), 1, None, None, None,
         False),
    ]  # fmt: skip
    timing = e2e_run.query(
        "select iso_weekday, hour_band, service_id, deployments, deployments_with_incident, "
        "incident_share_pct from marts.kpi_release_timing order by service_id, iso_weekday, "
        "hour_band"
    )
    assert timing == [
        (1, "12-18", "checkout", 1, 1, D("100.00")),  # #12 Monday 15:05 (B)
        (2, "06-12", "checkout", 2, 0, D("0.00")),  # 5001 07:00 and #13 08:34, Tuesday
        (5, "06-12", "checkout", 1, 1, D("100.00")),  # 9001 Friday 10:00 (A)
        (5, "18-24", "checkout", 1, 1, D("100.00")),  # 9003 Friday 23:55 (D)
        (1, "06-12", "search", 1, 1, D("100.00")),  # 7003 Monday 10:06 (H)
        (3, "12-18", "search", 1, 1, D("100.00")),  # 7001 Wednesday 16:04 (E)
    ]
