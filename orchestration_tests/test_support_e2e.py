"""Support performance (kpi-definitions.md §2, business hours §4) end to end on the
hand-built Zendesk + JSM exports of `fixtures/landing_e2e`, every number worked out by hand.

Set-up: schedule 100 "EMEA Support Hours" (London, the lowest id, so the default) Mon-Fri
09:00-17:00, holidays 2026-01-01 and 2026-01-02; January and February are GMT, so local =
UTC. Schedule 200 (Pacific Time) is not used. Groups 10 "Support L1 EMEA" (L1) and 20
"Support L2" (L2). Contracts: org 5001 -> CUST-1 Gold, org 5002 -> CUST-2 Silver. The
catalog routes tag checkout/search to production services, internal-tools to a
non-production one. All times UTC.

    ticket  created         first reply       solved (last)     calendar/business seconds
    101     Fri 01-02 16:00  Mon 01-05 09:30   Mon 01-05 11:00   reply 235800 / 1800 (Fri is a
            holiday: only Mon 09:00-09:30); resolution 241200 / 7200 (Mon 09:00-11:00)
    102     Tue 01-06 09:00  +45 metric min    Thu 01-08 12:00   reply 2700 / 2700 (no fulfill
            event); solved 01-07 10:00 in group 20 (moved up from 10 at 01-06 10:00:
            escalated), reopened 01-08 09:00, solved again 12:00: resolution 51 h = 183600 /
            8 + 8 + 3 h = 68400; 2 replies, 1 reopen
    103     Wed 01-28 10:00  Wed 10:05         Mon 02-02 10:00   proactive (agent Alice for
            Eve), pending -> open on 01-29 (answered); reply 300 / 300; resolution 5 days =
            432000 / 7 + 8 + 8 + 1 h = 86400
    104     Thu 01-29 14:00  -                 -                 proactive for Carol, pending,
            never answered
    105     Tue 01-20 10:00  10:30             11:00             internal-tools: non-production
    106     Mon 02-02 16:30  Tue 02-03 09:15   Tue 02-03 10:00   group 20 from the start; reply
            60300 / 1800 + 900 = 2700; resolution 63000 / 1800 + 3600 = 5400
    SUP-1   Wed 01-07 09:00  09:20 (SLA cycle) Thu 01-08 10:00   JSM: Resolved 01-07 13:00,
            back In Progress 01-08 09:00 (a reopen), Resolved 10:00, Closed Sat 01-10 (not a
            solve); reply 1200 / 1200; resolution 25 h = 90000 / 8 + 1 h = 32400
"""

from decimal import Decimal

from orchestration_tests.conftest import PipelineRun

D = Decimal

# month, group, created, solved, frt mean/p50/p90 min, frt business mean min,
# resolution mean h, business mean h, fcr %, escalation %, reopen %, backlog,
# support cost, cost per ticket, cost per resolution, complaints, complaints resolved %,
# proactive, proactive engagement %
EXPECTED_KPI_ROWS = [
    # January, group 10: created 101, 102, 103, 104 (105 is non-production).
    #   FRT 235800, 2700, 300 s (104 none): mean 238800 / 3 = 79600 s = 1326.67 min;
    #   p50 2700 s = 45.00; p90 at 0.9 x 2 = 1.8: 2700 + 0.8 x 233100 = 189180 s = 3153.00;
    #   business (1800 + 2700 + 300) / 3 = 1600 s = 26.67 min. Escalated 102: 1/4 = 25.00.
    #   Solved here: 101 only (102's last solve was in group 20; 103 solves in February):
    #   241200 s = 67.00 h, 7200 s = 2.00 h, one-touch 1/1, reopened 0/1.
    #   Backlog at 02-01 00:00: 103 (open) and 104 (pending) = 2.
    #   Cost 9000.00: / 4 created = 2250.00, / 1 solved = 9000.00.
    #   Complaint 101, closed: 100.00 %. Proactive 103, 104; answered 103: 50.00 %.
    (
        "2026-01-01", "10", 4, 1, D("1326.67"), D("45.00"), D("3153.00"), D("26.67"),
        D("67.00"), D("2.00"), D("100.00"), D("25.00"), D("0.00"), 2,
        D("9000.00"), D("2250.00"), D("9000.00"), 1, D("100.00"), 2, D("50.00"),
    ),
    # January, group 20: nothing created; 102 solved here: 183600 s = 51.00 h, 68400 s =
    #   19.00 h; 2 replies: not one-touch 0/1 = 0.00; reopened 1/1 = 100.00. Cost 4000.00:
    #   per ticket NULL (none created), per resolution 4000.00.
    (
        "2026-01-01", "20", 0, 1, None, None, None, None,
        D("51.00"), D("19.00"), D("0.00"), None, D("100.00"), 0,
        D("4000.00"), None, D("4000.00"), 0, None, 0, None,
    ),
    # January, jira:SUP: SUP-1 created and solved: FRT 1200 s = 20.00 min (business the
    #   same); 25.00 h, business 9.00 h; JSM has no reply count: FCR NULL; reopened 1/1.
    #   Closed at the month's end: no backlog; no cost row.
    (
        "2026-01-01", "jira:SUP", 1, 1, D("20.00"), D("20.00"), D("20.00"), D("20.00"),
        D("25.00"), D("9.00"), None, D("0.00"), D("100.00"), 0,
        None, None, None, 0, None, 0, None,
    ),
    # February, group 10: 103 solved: 432000 s = 120.00 h, 86400 s = 24.00 h, one-touch;
    #   backlog at 03-01: 104 still pending = 1. Cost 8000.00 / 1 solved.
    (
        "2026-02-01", "10", 0, 1, None, None, None, None,
        D("120.00"), D("24.00"), D("100.00"), None, D("0.00"), 1,
        D("8000.00"), None, D("8000.00"), 0, None, 0, None,
    ),
    # February, group 20: 106 created and solved: FRT 60300 s = 1005.00 min, business 2700 s
    #   = 45.00; 63000 s = 17.50 h, 5400 s = 1.50 h; one-touch; not escalated (it started
    #   in L2). Cost 4500.00 / 1 = 4500.00 both ways.
    (
        "2026-02-01", "20", 1, 1, D("1005.00"), D("1005.00"), D("1005.00"), D("45.00"),
        D("17.50"), D("1.50"), D("100.00"), D("0.00"), D("0.00"), 0,
        D("4500.00"), D("4500.00"), D("4500.00"), 0, None, 0, None,
    ),
    # February, jira:SUP: nothing.
    (
        "2026-02-01", "jira:SUP", 0, 0, None, None, None, None,
        None, None, None, None, None, 0,
        None, None, None, 0, None, 0, None,
    ),
]  # fmt: skip


def test_kpi_support_performance_matches_hand_worked_values(e2e_run: PipelineRun) -> None:
    rows = e2e_run.query(
        "select strftime(month_start, '%Y-%m-%d'), group_id, tickets_created, tickets_solved, "
        "frt_mean_minutes, frt_p50_minutes, frt_p90_minutes, frt_business_mean_minutes, "
        "resolution_mean_hours, resolution_business_mean_hours, fcr_pct, escalation_rate_pct, "
        "reopen_rate_pct, backlog_end_of_month, support_cost, cost_per_ticket, "
        "cost_per_resolution, complaints_created, complaints_resolved_pct, proactive_tickets, "
        "proactive_engagement_rate_pct "
        # Group 9901 holds the satisfaction fixture's rated tickets (zendesk:9001-9008,
        # test_satisfaction_e2e.py), which exercise no support KPI.
        "from marts.kpi_support_performance where group_id <> '9901' "
        "order by month_start, group_id"
    )
    assert rows == EXPECTED_KPI_ROWS


def test_fct_tickets_times_flags_and_customers(e2e_run: PipelineRun) -> None:
    rows = e2e_run.query(
        "select ticket_id, is_production, customer_id, customer_tier, first_group_id, "
        "solved_group_id, first_reply_seconds, first_reply_business_seconds, "
        "full_resolution_seconds, full_resolution_business_seconds, replies, reopens, "
        "is_one_touch, is_escalated, is_reopened, is_complaint, is_proactive, "
        "is_proactive_answered, channel "
        "from marts.fct_tickets where coalesce(first_group_id, '') <> '9901' order by ticket_id"
    )
    assert rows == [
        ("jira:SUP-1", True, None, None, "jira:SUP", "jira:SUP", 1200, 1200, 90000, 32400,
         None, 1, None, False, True, False, None, None, "jira"),
        ("zendesk:101", True, "CUST-1", "Gold", "10", "10", 235800, 1800, 241200, 7200,
         1, 0, True, False, False, True, False, False, "email"),
        ("zendesk:102", True, "CUST-2", "Silver", "10", "20", 2700, 2700, 183600, 68400,
         2, 1, False, True, True, False, False, False, "web"),
        ("zendesk:103", True, None, None, "10", "10", 300, 300, 432000, 86400,
         1, 0, True, False, False, False, True, True, "web"),
        ("zendesk:104", True, "CUST-1", "Gold", "10", None, None, None, None, None,
         0, 0, False, False, False, False, True, False, "web"),
        # 105: 30 min reply and 1 h resolution inside Tuesday's hours.
        ("zendesk:105", False, "CUST-2", "Silver", "10", "10", 1800, 1800, 3600, 3600,
         1, 0, True, False, False, False, False, False, "email"),
        ("zendesk:106", True, "CUST-1", "Gold", "20", "20", 60300, 2700, 63000, 5400,
         1, 0, True, False, False, False, False, False, "chat"),
    ]  # fmt: skip


def test_business_hours_calendar_uses_the_default_schedule(e2e_run: PipelineRun) -> None:
    # The lowest id (100, London) is the default; "Pacific Time (US & Canada)" maps to
    # America/Los_Angeles. January 2026 in schedule 100: 22 weekdays minus the two
    # holidays = 20 days x 8 h = 576000 working seconds.
    assert e2e_run.query(
        "select schedule_id, time_zone, is_default from intermediate.int_business_hours_schedules "
        "order by schedule_id"
    ) == [("100", "Europe/London", True), ("200", "America/Los_Angeles", False)]
    assert e2e_run.query(
        "select sum(segment_seconds) from intermediate.int_business_hours_calendar "
        "where schedule_id = '100' and utc_day between '2026-01-01' and '2026-01-31'"
    ) == [(576000,)]


def test_paused_clocks_of_a_proactive_ticket(e2e_run: PipelineRun) -> None:
    # 103: new 10:00-10:05, pending 10:05 - 01-29 09:00, open until 02-02 10:00, then
    # solved. agent_work_time stops while pending: running 300 s, then the open period
    # 01-29 09:00 -> 02-02 10:00 = 4 days 1 h = 349200 s (business 8 + 8 + 1 h = 61200).
    rows = e2e_run.query(
        "select period_number, status, is_running, running_seconds, running_business_seconds, "
        "running_seconds_before "
        "from intermediate.int_ticket_clock_periods "
        "where ticket_id = 'zendesk:103' and metric = 'agent_work_time' order by period_number"
    )
    assert rows == [
        (1, "new", True, 300, 300, 0),
        (2, "pending", False, 0, 0, 300),
        (3, "open", True, 349200, 61200, 300),
        (4, "solved", True, None, None, 349500),
    ]
