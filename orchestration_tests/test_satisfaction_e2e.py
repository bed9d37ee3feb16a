"""Customer satisfaction (kpi-definitions.md §3) end to end: the hand-built Zendesk
satisfaction ratings, Delighted responses, tickets and CRM contracts of
`fixtures/landing_e2e` through ingest -> dbt build, every KPI row worked out by hand.

Contracts (`crm/contracts/contracts_satisfaction_2026-01-01.csv`):
    sat-k1  customer sat-c1  org 9001  Gold                      UTC
    sat-k2  customer sat-c2  org 9002  Silver, Gold from 2026-02-01  Europe/Berlin
    sat-k3  customer sat-c3  org 9003  Bronze                    UTC
Tickets 9001-9008 (`zendesk/tickets/tickets_satisfaction_p001.json`, group 9901):
    org 9001: 9001, 9005   org 9002: 9002, 9006, 9007   org 9003: 9003, 9008   none: 9004

Zendesk ratings (created_at = the month; UTC):
    99001  9001  good       01-05   -> Gold
    99002  9005  bad        01-06   -> Gold
    99003  9002  offered    01-07   -> Silver (survey sent, no answer)
    99004  9004  good       01-08   -> unknown (ticket without organization)
    99005  9003  unoffered  01-09   -> never sent: neither an answer nor an offer
    99006  9006  offered 01-31 22:00 in page 1, good (updated 02-02) in page 2
                              -> the good version, in January (offered then), Silver
                                 (01-31 23:00 in Berlin, before the Gold version)
    99007  9007  good       02-10   -> Gold (sat-k2's Gold version)
    99008  9008  bad        02-11   -> Bronze

Delighted responses (person, kind, score, when UTC, properties):
    290000001  P1  nps   9  01-10        sat-c1 Gold   superseded by P1's later answer
    290000002  P1  nps   6  01-20        sat-c1 Gold   detractor (the 6/7 boundary)
    290000003  P2  nps   9  01-12        org 9001 only -> Gold, promoter (8/9)
    290000004  P3  nps  10  01-31 23:30  sat-c2: 02-01 00:30 in Berlin -> Gold version,
                                         but January in the UTC reporting zone; promoter
    290000005  P4  nps   8  01-13        sat-c1 Gold   passive
    290000006  P5  nps   9  01-14        person_properties null -> unknown, promoter
    290000007  P6  csat  4  01-15        sat-c3 Bronze satisfied (4-5)
    290000008  P7  csat  5 -> 3  01-15   sat-c3 Bronze edited to 3 in page 2 -> not satisfied
    290000009  P8  ces   5  01-16        sat-c2 Silver easy (5-7, the 4/5 boundary)
    290000010  P9  ces   4  01-16        sat-c2 Silver not easy
    290000011  P9  ces   9  01-25        out of range on 1-7: excluded, flagged; P9's
                                         January answer stays the 4
    290000013  P1  nps  10  02-03        sat-c1 Gold   promoter
"""

from decimal import Decimal

from orchestration.privacy.keys import hmac_key, personal_data_key
from orchestration_tests.conftest import PipelineRun

D = Decimal

# month_start, survey_kind, segment, responses, csat_pct, nps, ces_pct, ces_mean,
# response_rate_pct
EXPECTED_ROWS = [
    # January, CES: Silver 5 and 4 (the 9 is out of range) -> 100 × 1/2 = 50.00 easy,
    # mean (5 + 4)/2 = 4.50; no offers recorded -> rate NULL. `all` is the same.
    ("2026-01-01", "ces", "Silver", 2, None, None, D("50.00"), D("4.50"), None),
    ("2026-01-01", "ces", "all", 2, None, None, D("50.00"), D("4.50"), None),
    # January, CSAT. Bronze: Delighted 4 and 3 -> 1/2 = 50.00; 99005 unoffered is no
    # survey, so no Zendesk offer: rate NULL.
    ("2026-01-01", "csat", "Bronze", 2, D("50.00"), None, None, None, None),
    # Gold: good + bad -> 1/2 = 50.00; 2 answers / 2 offered = 100.00.
    ("2026-01-01", "csat", "Gold", 2, D("50.00"), None, None, None, D("100.00")),
    # Silver: 99006 good (99003 offered is no answer) -> 1/1 = 100.00; rate 1/2 = 50.00.
    ("2026-01-01", "csat", "Silver", 1, D("100.00"), None, None, None, D("50.00")),
    # all: 2 + 1 + 1 + 2 = 6 answers, satisfied good, good, good, 4 = 4 -> 66.666.. ->
    # 66.67; Zendesk answers 4 / offered 5 (99001-99004, 99006) = 80.00.
    ("2026-01-01", "csat", "all", 6, D("66.67"), None, None, None, D("80.00")),
    # unknown: 99004 good -> 100.00, rate 1/1.
    ("2026-01-01", "csat", "unknown", 1, D("100.00"), None, None, None, D("100.00")),
    # January, NPS. Gold: 6 (P1's latest), 9, 10, 8 -> 100 × (2 − 1)/4 = 25.00.
    ("2026-01-01", "nps", "Gold", 4, None, D("25.00"), None, None, None),
    # all: Gold's 4 + unknown's 9 -> 100 × (3 − 1)/5 = 40.00.
    ("2026-01-01", "nps", "all", 5, None, D("40.00"), None, None, None),
    ("2026-01-01", "nps", "unknown", 1, None, D("100.00"), None, None, None),
    # February: no CES answer -> only the `all` row, 0 responses.
    ("2026-02-01", "ces", "all", 0, None, None, None, None, None),
    # CSAT: Bronze bad -> 0.00, Gold good -> 100.00, each answered its offer (100.00);
    # all 1/2 = 50.00, 2/2 answered.
    ("2026-02-01", "csat", "Bronze", 1, D("0.00"), None, None, None, D("100.00")),
    ("2026-02-01", "csat", "Gold", 1, D("100.00"), None, None, None, D("100.00")),
    ("2026-02-01", "csat", "all", 2, D("50.00"), None, None, None, D("100.00")),
    # NPS: P1's 10 -> 100.00.
    ("2026-02-01", "nps", "Gold", 1, None, D("100.00"), None, None, None),
    ("2026-02-01", "nps", "all", 1, None, D("100.00"), None, None, None),
]


def test_kpi_customer_satisfaction_rows(e2e_run: PipelineRun) -> None:
    rows = e2e_run.query(
        "select month_start::varchar, survey_kind, segment, responses, csat_pct, nps, "
        "ces_pct, ces_mean, response_rate_pct from marts.kpi_customer_satisfaction "
        "order by month_start, survey_kind, segment"
    )
    assert rows == EXPECTED_ROWS


def test_fct_survey_responses_flags(e2e_run: PipelineRun) -> None:
    rows = e2e_run.query(
        "select survey_response_id, month_start::varchar, segment, contract_id, "
        "is_latest, is_counted, is_in_range from marts.fct_survey_responses "
        "where survey_response_id in ('zendesk:99005', 'zendesk:99006', "
        "'delighted:290000001', 'delighted:290000004', 'delighted:290000008', "
        "'delighted:290000011') order by survey_response_id"
    )
    assert rows == [
        # superseded by P1's later January answer
        ("delighted:290000001", "2026-01-01", "Gold", "sat-k1", False, False, True),
        # Berlin's February 1st -> sat-k2's Gold version; UTC January
        ("delighted:290000004", "2026-01-01", "Gold", "sat-k2", True, True, True),
        # the edited version (score 3) is the staged one
        ("delighted:290000008", "2026-01-01", "Bronze", "sat-k3", True, True, True),
        # CES 9 on 1-7: kept, flagged, not counted, never clipped
        ("delighted:290000011", "2026-01-01", "Silver", "sat-k2", False, False, False),
        ("zendesk:99005", "2026-01-01", "Bronze", "sat-k3", True, False, True),
        ("zendesk:99006", "2026-01-01", "Silver", "sat-k2", True, True, True),
    ]
    assert e2e_run.query(
        "select score, zendesk_score from marts.fct_survey_responses "
        "where survey_response_id in ('delighted:290000008', 'zendesk:99006') "
        "order by survey_response_id"
    ) == [(3, None), (None, "good")]


def test_person_key_is_a_hash_not_the_person(e2e_run: PipelineRun) -> None:
    keys = e2e_run.query(
        "select distinct person_key from marts.fct_survey_responses "
        "where survey_response_id in ('delighted:290000001', 'delighted:290000002')"
    )
    # P1's two answers share one key: the keyed HMAC-SHA256 of 'delighted:80000001'
    # (the samples-only key when KPI_PII_HMAC_KEY is unset), never the person id itself.
    key, _ = hmac_key()
    assert keys == [(personal_data_key("delighted:80000001", key),)]


def test_out_of_range_scores_are_listed_by_a_warning(e2e_run: PipelineRun) -> None:
    assert "assert_survey_scores_in_range" in e2e_run.first_output
    assert e2e_run.query(
        "select survey_response_id from marts.fct_survey_responses where not is_in_range"
    ) == [("delighted:290000011",)]


def test_satisfaction_exports_are_ingested(e2e_run: PipelineRun) -> None:
    # 8 tickets, 3 organizations, 6 + 3 ratings, 12 + 1 responses, 4 contract rows.
    assert e2e_run.query(
        "select file_path, records, rejected from raw.ingest_files "
        "where file_path like '%satisfaction%' order by file_path"
    ) == [
        ("crm/contracts/contracts_satisfaction_2026-01-01.csv", 4, 0),
        ("delighted/survey_responses/survey_responses_satisfaction_p001.json", 12, 0),
        ("delighted/survey_responses/survey_responses_satisfaction_p002.json", 1, 0),
        ("zendesk/organizations/organizations_satisfaction_p001.json", 3, 0),
        ("zendesk/satisfaction_ratings/satisfaction_ratings_satisfaction_p001.json", 6, 0),
        ("zendesk/satisfaction_ratings/satisfaction_ratings_satisfaction_p002.json", 3, 0),
        ("zendesk/tickets/tickets_satisfaction_p001.json", 8, 0),
    ]
    # Staging keeps the latest version: 8 ratings (99006 twice), 12 responses (…008 twice).
    assert e2e_run.query(
        "select (select count(*) from staging.stg_zendesk__satisfaction_ratings "
        "where ticket_id like '900_'), "
        "(select count(*) from staging.stg_delighted__survey_responses "
        "where response_id like '29000%')"
    ) == [(8, 12)]
