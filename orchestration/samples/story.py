"""The operational story: one deployment and change timeline every delivery tool renders.

`build_story(world, incidents, rng, scale)` decides, once, what happened over the period:

* how each catalog service ships code (`Route`): through one or two of GitLab, Jenkins and
  GitHub (GitLab deploys staging and Jenkins production, or a service moves from Jenkins
  to GitHub Actions mid-period), with its code hosted on GitLab (merge requests) or GitHub;
* its releases: commits and merge requests, a staging deployment, then production,
  mostly on business days and hours; some attempts fail or are canceled, most failures
  are retried with the same SHA (a retry, not a rollback); some successful production
  deployments are rolled back (the previous SHA deployed again, Jenkins `ROLLBACK=true`);
* ServiceNow change requests around production deployments (normal for critical/high
  services, standard for medium, emergency for rollbacks), their state history, and the
  user-reported issues some releases cause;
* a few bad production deployments placed within hours *before* existing PagerDuty
  incidents on the same service (so PagerDuty's files stay byte-identical), each
  followed by a rollback after the incident was acknowledged; ServiceNow's `caused_by`
  names the change for most of them, and Statuspage shows the outage.

The GitLab, Jenkins, GitHub and ServiceNow renderers only format this story (plus
cosmetic details from their own rng); nothing here is tool-specific text.
"""

from __future__ import annotations

import calendar
import math
import random
from dataclasses import dataclass, field

from orchestration.samples.pagerduty import Incident
from orchestration.samples.world import (
    PERIOD_END,
    PERIOD_START,
    CatalogService,
    IdFactory,
    User,
    World,
)

_MINUTE = 60
_HOUR = 3600
_DAY = 86400

# Route kinds: which tool deploys which environment (`gitlab+jenkins`: GitLab CI deploys
# staging, a Jenkins job production; `jenkins>github`: Jenkins until `migrate_at`, then
# GitHub Actions deployments).
ROUTE_KINDS = ("gitlab", "jenkins", "github", "gitlab+jenkins", "jenkins>github")
_ROUTE_WEIGHTS = (0.3, 0.2, 0.25, 0.15, 0.1)
ENVIRONMENTS = ("staging", "production")
CORE_MIGRATION_AT = calendar.timegm((2026, 4, 1, 0, 0, 0))

# (route kind, code host) of the core services; generated services draw theirs.
_CORE_ROUTES: dict[str, tuple[str, str]] = {
    "checkout-api": ("gitlab", "gitlab"),  # two GitLab projects, both deploy
    "payments": ("gitlab+jenkins", "gitlab"),
    "search": ("github", "github"),
    "auth": ("jenkins", "gitlab"),
    "notifications": ("jenkins>github", "github"),
    "web-frontend": ("github", "github"),
    "data-pipeline": ("gitlab", "gitlab"),
    "internal-tools": ("jenkins", "github"),
}
# Production releases per week by criticality.
_RELEASES_PER_WEEK = {"critical": 2.5, "high": 2.0, "medium": 1.5, "low": 1.0}
# Change management: which change type a production release gets (None: no change).
_CHANGE_TYPE = {"critical": "normal", "high": "normal", "medium": "standard", "low": None}
_STAGING_HOURS = tuple(range(8, 17))
_STAGING_HOUR_WEIGHTS = (0.6, 1.2, 1.5, 1.4, 1.0, 1.3, 1.4, 1.1, 0.7)
# median seconds of a deploy job per tool (lognormal, sigma 0.35)
_DEPLOY_SECONDS = {"gitlab": 240, "jenkins": 330, "github": 180}
BAD_DEPLOYS_PER_SCALE = 4


def at(month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> int:
    """Epoch seconds of a UTC wall-clock time in 2026."""
    return calendar.timegm((2026, month, day, hour, minute, second))


@dataclass(frozen=True)
class Route:
    kind: str
    hosting: str  # gitlab | github: where the code and its history live
    migrate_at: int | None = None  # jenkins>github only

    def tool(self, environment: str, when: int) -> str:
        if self.kind == "gitlab+jenkins":
            return "gitlab" if environment == "staging" else "jenkins"
        if self.kind == "jenkins>github":
            assert self.migrate_at is not None
            return "jenkins" if when < self.migrate_at else "github"
        return self.kind

    @property
    def tools(self) -> tuple[str, ...]:
        return {
            "gitlab+jenkins": ("gitlab", "jenkins"),
            "jenkins>github": ("jenkins", "github"),
        }.get(self.kind, (self.kind,))


@dataclass
class Stream:
    """One codebase of a service with its own release train (a GitLab project or a repo)."""

    key: str
    service: CatalogService
    route: Route
    gitlab_project_id: int | None  # the project that holds the code / deploys (GitLab)
    repo: str  # GitHub owner/name
    job: str  # Jenkins folder/name
    team: tuple[User, ...]


@dataclass
class Commit:
    sha: str
    title: str
    author: User
    authored_at: int
    committed_at: int
    merge_request: MergeRequest | None = None


@dataclass
class MergeRequest:
    stream: Stream
    iid: int
    title: str
    author: User
    created_at: int
    source_branch: str
    head_sha: str
    commits: list[Commit]
    state: str = "merged"  # merged | closed | opened
    merged_at: int | None = None
    closed_at: int | None = None
    merged_by: User | None = None
    merge_commit: Commit | None = None


@dataclass
class Change:
    """A ServiceNow change_request and its history."""

    sys_id: str
    service: CatalogService
    type: str  # normal | standard | emergency
    created_at: int
    planned_start: int
    planned_end: int
    requested_by: User
    short_description: str
    number: str = ""
    risk: str = "3"
    impact: str = "3"
    work_start: int | None = None
    work_end: int | None = None
    closed_at: int | None = None
    canceled_at: int | None = None
    close_code: str = ""
    close_notes: str = ""
    reported_issue_at: int | None = None  # a user-reported ServiceNow incident follows
    review_after: int | None = None  # forced delay from work_end to the closing review
    deployments: list[Deployment] = field(default_factory=list)
    # (at, old state, new state): -5 new, -4 assess, -3 authorize, -2 scheduled,
    # -1 implement, 0 review, 3 closed, 4 canceled
    states: list[tuple[int, str, str]] = field(default_factory=list)

    def state_at(self, when: int) -> str:
        state = "-5"
        for change_at, _, new in self.states:
            if change_at > when:
                break
            state = new
        return state

    def updated_at(self, when: int) -> int:
        last = self.created_at
        for change_at, _, _ in self.states:
            if change_at > when:
                break
            last = change_at
        return last


@dataclass
class Deployment:
    stream: Stream
    tool: str
    environment: str  # staging | production
    commit: Commit
    queued_at: int
    started_at: int
    finished_at: int | None  # None: still running at the end
    status: str  # success | failed | canceled | running
    user: User
    attempt: int = 1
    is_retry: bool = False  # same SHA again after a failed/canceled attempt
    is_rollback: bool = False  # the previous production SHA deployed again
    change: Change | None = None
    change_visible: bool = False  # the tool's record names the change number
    release: int = 0  # release number within the stream
    rolled_back: bool = False  # a later rollback returned to the SHA before this one
    previous_sha: str | None = None  # what ran in the environment before this attempt

    @property
    def sha(self) -> str:
        return self.commit.sha

    @property
    def service_id(self) -> str:
        return self.stream.service.service_id


@dataclass
class BadDeploy:
    """A production deployment that caused a PagerDuty incident, and its rollback."""

    incident: Incident
    deployment: Deployment
    rollback: Deployment
    caused_by_recorded: bool  # ServiceNow's incident names the change in `caused_by`


@dataclass
class Story:
    routes: dict[str, Route]
    streams: list[Stream]
    deployments: list[Deployment]
    merge_requests: list[MergeRequest]
    changes: list[Change]
    bad_deploys: list[BadDeploy]

    def deployments_of(self, tool: str) -> list[Deployment]:
        return [d for d in self.deployments if d.tool == tool]

    @property
    def bad_deploy_by_incident(self) -> dict[str, BadDeploy]:
        return {bad.incident.id: bad for bad in self.bad_deploys}


# --- planting ---------------------------------------------------------------------------


@dataclass
class _Slot:
    staging_at: int
    prod_at: int
    staging: tuple[str, ...] | None = None  # forced outcomes of the attempts, else drawn
    production: tuple[str, ...] | None = None
    prod_seconds: int | None = None  # forced duration of the production deploy
    rollback_after: int | None = None  # roll back this long after the deploy finished
    rollback_at: int | None = None  # roll back at this time (bad deploys)
    rollback_seconds: int | None = None
    bad: Incident | None = None  # the PagerDuty incident this deploy causes
    no_rollback: bool = False
    fixed: bool = False  # planted: its times are never shifted


# Edge cases every sample holds (fixed times; stream = the service's first stream).
def _planted_slots() -> dict[str, list[_Slot]]:
    return {
        # a GitLab production deploy running across the 00:30 export on 1 April
        "checkout-api": [
            _Slot(at(3, 31, 15, 20), at(3, 31, 23, 55), ("success",), ("success",),
                  prod_seconds=46 * _MINUTE, no_rollback=True),
            # rolled back 35 minutes later, no incident (a failed health check)
            _Slot(at(5, 12, 10, 5), at(5, 12, 13, 30), ("success",), ("success",),
                  rollback_after=35 * _MINUTE),
        ],
        # staging and production both fail once and are retried with the same SHA
        "payments": [
            _Slot(at(2, 11, 9, 40), at(2, 11, 14, 5), ("failed", "success"),
                  ("failed", "success"), no_rollback=True),
        ],
        "search": [
            _Slot(at(3, 10, 9, 30), at(3, 10, 13, 0), ("success",), ("failed", "success"),
                  no_rollback=True),
            _Slot(at(4, 14, 10, 0), at(4, 14, 14, 0), ("success",), ("success",),
                  rollback_after=50 * _MINUTE),
        ],
        # Jenkins: a ROLLBACK=true build 40 minutes after a release; a build still
        # running at the final export (started 23:52 on 30 June)
        "auth": [
            _Slot(at(2, 24, 10, 15), at(2, 24, 14, 20), ("success",), ("success",),
                  rollback_after=40 * _MINUTE),
            _Slot(at(6, 30, 14, 10), at(6, 30, 23, 52), ("success",), ("running",),
                  no_rollback=True),
        ],
        # GitHub: a production deploy that fails and is not retried
        "web-frontend": [
            _Slot(at(2, 17, 9, 50), at(2, 17, 15, 10), ("success",), ("failed",),
                  no_rollback=True),
        ],
    }  # fmt: skip


# The planted bad deploy: PagerDuty's planted auth incident (triggered 09:15 on 3 March,
# acknowledged 09:19, resolved 09:55) follows a production deploy at 08:38 and is fixed
# by the rollback at 09:24.
_PLANTED_BAD = ("auth", at(3, 3, 9, 15), at(3, 3, 8, 38), at(3, 3, 9, 24))


# --- helpers ----------------------------------------------------------------------------


def _lognormal(rng: random.Random, median: float, sigma: float) -> int:
    return int(rng.lognormvariate(math.log(median), sigma))


def _business_days() -> list[int]:
    days = []
    for day in range(PERIOD_START, PERIOD_END, _DAY):
        if (day // _DAY + 3) % 7 < 5:  # 1970-01-01 was a Thursday
            days.append(day)
    return days


def _is_business_day(when: int) -> bool:
    return (when // _DAY + 3) % 7 < 5


def _next_business_morning(rng: random.Random, when: int) -> int:
    day = (when // _DAY + 1) * _DAY
    while not _is_business_day(day):
        day += _DAY
    return day + rng.randint(9, 11) * _HOUR + rng.randrange(60) * _MINUTE


def _route_of(rng: random.Random, service: CatalogService) -> Route:
    if service.service_id in _CORE_ROUTES:
        kind, hosting = _CORE_ROUTES[service.service_id]
        migrate_at = CORE_MIGRATION_AT if kind == "jenkins>github" else None
        return Route(kind, hosting, migrate_at)
    kind = rng.choices(ROUTE_KINDS, weights=_ROUTE_WEIGHTS)[0]
    if kind in ("gitlab", "gitlab+jenkins"):
        hosting = "gitlab"
    elif kind == "jenkins":
        hosting = rng.choice(("gitlab", "github"))
    else:
        hosting = "github"
    migrate_at = None
    if kind == "jenkins>github":
        migrate_at = at(2, 15) + rng.randrange(90) * _DAY
    return Route(kind, hosting, migrate_at)


def _streams(world: World, service: CatalogService, route: Route) -> list[Stream]:
    team = world.team(service.owner_team).members
    job = service.jenkins_jobs[0]
    repo = service.github_repos[0]
    projects: tuple[int | None, ...] = (None,)
    if route.hosting == "gitlab":
        # only a GitLab-deployed service releases each of its projects on its own train
        projects = service.gitlab_project_ids if route.kind == "gitlab" else (
            service.gitlab_project_ids[:1]
        )  # fmt: skip
    return [
        Stream(
            key=service.service_id if index == 0 else f"{service.service_id}#{index + 1}",
            service=service,
            route=route,
            gitlab_project_id=project,
            repo=repo,
            job=job,
            team=team,
        )
        for index, project in enumerate(projects)
    ]


_FEATURE_WORDS = (
    "retry budget", "connection pool", "rate limiter", "cache warmup", "feature flag",
    "pagination", "timeout", "metrics", "logging", "schema migration", "dependency bump",
    "error handling", "validation", "batch size", "health check", "config reload",
)  # fmt: skip
_VERBS = ("Add", "Fix", "Tune", "Refactor", "Remove", "Update", "Harden")


class _Simulator:
    def __init__(self, world: World, rng: random.Random, scale: float) -> None:
        self.world = world
        self.rng = rng
        self.ids = IdFactory(rng)
        self.scale = scale
        self.deployments: list[Deployment] = []
        self.merge_requests: list[MergeRequest] = []
        self.changes: list[Change] = []
        self.mr_iids: dict[int, int] = {}
        self.bad_links: list[tuple[Incident, Deployment, Deployment]] = []

    # -- code ------------------------------------------------------------------------

    def sha(self) -> str:
        return f"{self.rng.getrandbits(160):040x}"

    def _title(self) -> str:
        return f"{self.rng.choice(_VERBS)} {self.rng.choice(_FEATURE_WORDS)}"

    def code_for_release(self, stream: Stream, since: int, until: int) -> Commit:
        """Commits (and merge requests on GitLab) landing in (since, until); the last one."""
        rng = self.rng
        until = max(until, since + 30 * _MINUTE)
        gitlab = stream.route.hosting == "gitlab" and stream.gitlab_project_id is not None
        last: Commit | None = None
        for _ in range(rng.choices((1, 2, 3), weights=(5, 3, 1))[0]):
            author = rng.choice(stream.team)
            merged = rng.randint(since + (until - since) // 3, until - 5 * _MINUTE)
            first = merged - rng.randint(2 * _HOUR, 4 * _DAY)
            commits = []
            for k in range(rng.randint(1, 4)):
                authored = first + k * rng.randint(10 * _MINUTE, 6 * _HOUR)
                authored = min(authored, merged - 10 * _MINUTE)
                commits.append(Commit(self.sha(), self._title(), author, authored, authored))
            merger = rng.choice([m for m in stream.team if m is not author] or stream.team)
            merge_commit = Commit(
                self.sha(),
                "",
                merger,
                merged,
                merged,
            )
            if gitlab:
                assert stream.gitlab_project_id is not None
                iid = self.mr_iids.get(stream.gitlab_project_id, rng.randint(40, 400)) + 1
                self.mr_iids[stream.gitlab_project_id] = iid
                title = commits[0].title
                mr = MergeRequest(
                    stream, iid, title, author,
                    created_at=commits[0].authored_at + rng.randint(5 * _MINUTE, 3 * _HOUR),
                    source_branch=f"{author.email.split('@')[0].split('.')[0]}/"
                    f"{title.lower().replace(' ', '-')}-{iid}",
                    head_sha=commits[-1].sha, commits=commits, merged_at=merged,
                    merged_by=merger, merge_commit=merge_commit,
                )  # fmt: skip
                mr.created_at = min(mr.created_at, merged - 5 * _MINUTE)
                merge_commit.title = f"Merge branch '{mr.source_branch}' into 'main'"
                merge_commit.merge_request = mr
                self.merge_requests.append(mr)
                if rng.random() < 0.08:  # an abandoned merge request next to it
                    self.abandoned_mr(stream, author, merged)
            else:
                merge_commit.title = f"{commits[0].title} (#{rng.randint(100, 9999)})"
            last = merge_commit
        assert last is not None
        return last

    def abandoned_mr(self, stream: Stream, author: User, near: int, opened: bool = False) -> None:
        rng = self.rng
        assert stream.gitlab_project_id is not None
        iid = self.mr_iids[stream.gitlab_project_id] + 1
        self.mr_iids[stream.gitlab_project_id] = iid
        created = near - rng.randint(_HOUR, 3 * _DAY)
        commit = Commit(self.sha(), self._title(), author, created - _HOUR, created - _HOUR)
        title = f"Draft: {commit.title}" if opened else commit.title
        mr = MergeRequest(
            stream, iid, title, author, created_at=created,
            source_branch=f"{author.email.split('@')[0].split('.')[0]}/wip-{iid}",
            head_sha=commit.sha, commits=[commit],
            state="opened" if opened else "closed",
            closed_at=None if opened else near + rng.randint(_HOUR, 2 * _DAY),
        )  # fmt: skip
        self.merge_requests.append(mr)

    # -- changes ---------------------------------------------------------------------

    def new_change(self, stream: Stream, change_type: str, deploy_at: int, summary: str) -> Change:
        rng = self.rng
        if change_type == "normal":
            created = deploy_at - rng.randint(1 * _DAY, 5 * _DAY)
            planned_start = deploy_at - deploy_at % _HOUR - rng.choice((0, 0, _HOUR))
            risk, impact = rng.choice((("2", "2"), ("3", "2"), ("3", "3"))), None
        elif change_type == "standard":
            created = deploy_at - rng.randint(15 * _MINUTE, 2 * _HOUR)
            planned_start = deploy_at - deploy_at % (30 * _MINUTE)
            risk, impact = ("4", "3"), None
        else:  # emergency: raised at the time, sometimes only after the fact
            created = deploy_at - rng.randint(2 * _MINUTE, 20 * _MINUTE)
            if rng.random() < 0.25:
                created = deploy_at + rng.randint(30 * _MINUTE, 3 * _HOUR)
            planned_start = deploy_at - deploy_at % (15 * _MINUTE)
            risk, impact = ("2", "1"), None
        del impact
        change = Change(
            sys_id=self.ids.hex32(),
            service=stream.service,
            type=change_type,
            created_at=created,
            planned_start=planned_start,
            planned_end=planned_start + rng.choice((1, 2, 2, 4)) * _HOUR,
            requested_by=rng.choice(stream.team),
            short_description=summary,
            risk=risk[0],
            impact=risk[1],
        )
        self.changes.append(change)
        return change

    # -- deployments -----------------------------------------------------------------

    def attempt(
        self,
        stream: Stream,
        environment: str,
        commit: Commit,
        start: int,
        status: str,
        seconds: int | None,
        previous_sha: str | None,
        **extra: object,
    ) -> Deployment:
        rng = self.rng
        tool = stream.route.tool(environment, start)
        if seconds is None:
            seconds = max(40, _lognormal(rng, _DEPLOY_SECONDS[tool], 0.35))
            if status in ("failed", "canceled"):
                seconds = max(20, int(seconds * rng.uniform(0.2, 0.9)))
        queued = start - rng.randint(2, 90)
        finished = None if status == "running" else start + seconds
        deployment = Deployment(
            stream=stream,
            tool=tool,
            environment=environment,
            commit=commit,
            queued_at=queued,
            started_at=start,
            finished_at=finished,
            status=status,
            user=rng.choice(stream.team),
            previous_sha=previous_sha,
            **extra,  # type: ignore[arg-type]
        )
        self.deployments.append(deployment)
        return deployment

    def draw_status(self, environment: str) -> str:
        failed = 0.12 if environment == "staging" else 0.08
        roll = self.rng.random()
        if roll < failed:
            return "failed"
        if roll < failed + 0.025:
            return "canceled"
        return "success"

    def run_attempts(
        self,
        stream: Stream,
        environment: str,
        commit: Commit,
        start: int,
        forced: tuple[str, ...] | None,
        change: Change | None,
        release: int,
        previous_sha: str | None,
        seconds: int | None = None,
    ) -> tuple[Deployment, int]:
        """Attempts until one succeeds or nobody retries; (last attempt, stream free at)."""
        rng = self.rng
        attempt = 1
        when = start
        while True:
            status = forced[attempt - 1] if forced else self.draw_status(environment)
            deployment = self.attempt(
                stream, environment, commit, when, status, seconds, previous_sha,
                attempt=attempt, is_retry=attempt > 1, change=change, release=release,
                change_visible=change is not None and rng.random() < 0.9,
            )  # fmt: skip
            if change is not None:
                change.deployments.append(deployment)
            end = deployment.finished_at or PERIOD_END
            if status in ("success", "running"):
                return deployment, end
            if forced:
                retry = attempt < len(forced)
            else:
                retry = attempt < 3 and rng.random() < (0.7 if status == "failed" else 0.85)
            if not retry:
                return deployment, end
            attempt += 1
            when = end + rng.randint(8 * _MINUTE, 50 * _MINUTE)

    def rollback(
        self,
        stream: Stream,
        bad: Deployment,
        previous: Commit,
        start: int,
        seconds: int | None,
        release: int,
    ) -> Deployment:
        change_type = "emergency" if _CHANGE_TYPE[stream.service.criticality] else None
        change = None
        if change_type:
            change = self.new_change(
                stream, change_type, start,
                f"Emergency rollback of {stream.service.service_name} to {previous.sha[:8]}",
            )  # fmt: skip
        deployment = self.attempt(
            stream, "production", previous, start, "success", seconds, bad.sha,
            is_rollback=True, change=change, release=release,
            change_visible=change is not None and self.rng.random() < 0.9,
        )  # fmt: skip
        if change is not None:
            change.deployments.append(deployment)
        return deployment


def _random_slots(sim: _Simulator, stream: Stream, blocked: set[int]) -> list[_Slot]:
    rng = sim.rng
    rate = _RELEASES_PER_WEEK[stream.service.criticality] * min(1.0, sim.scale)
    weeks = (PERIOD_END - PERIOD_START) / (7 * _DAY)
    days = [d for d in _business_days() if d // _DAY not in blocked]
    count = min(len(days) - 1, max(6, round(rate * weeks * rng.uniform(0.8, 1.2))))
    first_week = [d for d in days if d < PERIOD_START + 9 * _DAY]
    chosen = {rng.choice(first_week)}  # a release in the first week: a baseline for rollbacks
    chosen.update(rng.sample(days, count - 1))
    slots = []
    for day in sorted(chosen):
        if rng.random() < 0.04:  # an off-hours release, weekends included
            staging = day + rng.choice((-1, 0, 1)) * _DAY + rng.randrange(24) * _HOUR
            staging = max(PERIOD_START + _HOUR, staging)
        else:
            hour = rng.choices(_STAGING_HOURS, weights=_STAGING_HOUR_WEIGHTS)[0]
            staging = day + hour * _HOUR
        staging += rng.randrange(60) * _MINUTE + rng.randrange(60)
        prod = staging + rng.randint(50 * _MINUTE, 5 * _HOUR)
        if (prod % _DAY) >= 18 * _HOUR and rng.random() < 0.85:
            prod = _next_business_morning(rng, prod)
        slots.append(_Slot(staging, prod))
    return slots


def _simulate_stream(sim: _Simulator, stream: Stream, slots: list[_Slot]) -> None:
    rng = sim.rng
    change_type = _CHANGE_TYPE[stream.service.criticality]
    free_at = PERIOD_START
    last_code = PERIOD_START - 3 * _DAY
    current: dict[str, Commit | None] = {"staging": None, "production": None}
    release = 0
    for slot in sorted(slots, key=lambda s: s.staging_at):
        staging_at, prod_at = slot.staging_at, slot.prod_at
        if staging_at < free_at + 15 * _MINUTE and not slot.fixed:
            shift = free_at + rng.randint(20, 90) * _MINUTE - staging_at
            staging_at, prod_at = staging_at + shift, prod_at + shift
        if prod_at >= PERIOD_END - _HOUR and slot.production != ("running",):
            continue
        release += 1
        commit = sim.code_for_release(stream, last_code, staging_at - 10 * _MINUTE)
        last_code = staging_at
        change = None
        if change_type and (slot.bad is not None or rng.random() > 0.03):
            summary = f"Release {stream.service.service_name} {commit.sha[:8]} to production"
            change = sim.new_change(stream, change_type, prod_at, summary)
        previous = current["staging"]
        staged, free_at = sim.run_attempts(
            stream, "staging", commit, staging_at, slot.staging, None, release,
            previous.sha if previous else None,
        )  # fmt: skip
        if staged.status != "success":
            if change is not None:  # the release never reached production
                change.canceled_at = free_at + rng.randint(10 * _MINUTE, 2 * _HOUR)
            continue
        current["staging"] = commit
        prod_at = max(prod_at, free_at + 10 * _MINUTE)
        if slot.bad is None and prod_at >= PERIOD_END - _HOUR and slot.production != ("running",):
            continue  # scheduled for after the period: its change stays scheduled
        previous = current["production"]
        deployed, free_at = sim.run_attempts(
            stream, "production", commit, prod_at, slot.production, change, release,
            previous.sha if previous else None, seconds=slot.prod_seconds,
        )  # fmt: skip
        if deployed.status != "success":
            continue
        current["production"] = commit
        if previous is None or slot.no_rollback:
            continue
        rollback_at = None
        seconds = slot.rollback_seconds
        if slot.rollback_at is not None:
            rollback_at = slot.rollback_at
        elif slot.rollback_after is not None:
            assert deployed.finished_at is not None
            rollback_at = deployed.finished_at + slot.rollback_after
        elif slot.production is None and rng.random() < 0.035:
            assert deployed.finished_at is not None
            rollback_at = deployed.finished_at + rng.randint(15 * _MINUTE, 2 * _HOUR)
        if rollback_at is None or rollback_at >= PERIOD_END - _HOUR:
            continue
        rolled = sim.rollback(stream, deployed, previous, rollback_at, seconds, release)
        deployed.rolled_back = True
        current["production"] = previous
        free_at = rolled.finished_at or PERIOD_END
        if slot.bad is not None:
            sim.bad_links.append((slot.bad, deployed, rolled))
    # a few merge requests still open at the end
    if stream.gitlab_project_id is not None and stream.route.hosting == "gitlab":
        for _ in range(rng.randint(1, 3)):
            sim.abandoned_mr(stream, rng.choice(stream.team), PERIOD_END - _DAY, opened=True)


def _eligible_for_bad_deploy(incident: Incident, world: World) -> bool:
    service_id = incident.service.catalog_service_id
    if service_id is None or not world.service(service_id).statuspage_component_ids:
        return False
    severe = (incident.priority is not None and incident.priority.name in ("P1", "P2")) or (
        incident.priority is None and incident.urgency == "high"
    )
    acked, resolved = incident.acknowledged_at, incident.resolved_at
    created = incident.created_at
    return (
        severe
        and acked is not None
        and resolved is not None
        and resolved - acked >= 20 * _MINUTE
        and _is_business_day(created)
        and 10 * _HOUR <= created % _DAY <= 21 * _HOUR
        and PERIOD_START + 10 * _DAY <= created <= PERIOD_END - 6 * _DAY
    )


def _bad_slots(
    sim: _Simulator, world: World, incidents: list[Incident], taken: dict[str, set[int]]
) -> list[tuple[str, _Slot]]:
    """(service_id, slot) of the bad deploys: the planted one, then drawn ones."""
    rng = sim.rng
    service_id, created, deploy_at, rollback_at = _PLANTED_BAD
    planted = next(
        i for i in incidents
        if i.service.catalog_service_id == service_id and i.created_at == created
    )  # fmt: skip
    slots = [(service_id, _bad_slot(rng, planted, deploy_at, rollback_at))]
    taken.setdefault(service_id, set()).update({created // _DAY + k for k in range(-2, 3)})
    wanted = max(1, round(BAD_DEPLOYS_PER_SCALE * sim.scale)) - 1
    eligible = [i for i in incidents if i is not planted and _eligible_for_bad_deploy(i, world)]
    rng.shuffle(eligible)
    for incident in eligible:
        if wanted <= 0:
            break
        service_id = incident.service.catalog_service_id
        assert service_id is not None
        day = incident.created_at // _DAY
        blocked = taken.setdefault(service_id, set())
        if any(day + k in blocked for k in range(-2, 3)):
            continue
        blocked.update({day + k for k in range(-2, 3)})
        assert incident.acknowledged_at is not None
        deploy_at = incident.created_at - rng.randint(25 * _MINUTE, 3 * _HOUR)
        rollback_at = incident.acknowledged_at + rng.randint(3 * _MINUTE, 12 * _MINUTE)
        slots.append((service_id, _bad_slot(rng, incident, deploy_at, rollback_at)))
        wanted -= 1
    return slots


def _bad_slot(rng: random.Random, incident: Incident, deploy_at: int, rollback_at: int) -> _Slot:
    assert incident.resolved_at is not None
    deploy_seconds = min(12 * _MINUTE, incident.created_at - deploy_at - 5 * _MINUTE)
    rollback_seconds = min(10 * _MINUTE, incident.resolved_at - rollback_at - 2 * _MINUTE)
    return _Slot(
        staging_at=deploy_at - rng.randint(90 * _MINUTE, 5 * _HOUR),
        prod_at=deploy_at,
        staging=("success",),
        production=("success",),
        prod_seconds=max(60, deploy_seconds),
        rollback_at=rollback_at,
        rollback_seconds=max(60, rollback_seconds),
        bad=incident,
    )


def _finish_changes(sim: _Simulator) -> None:
    """Work times, close codes and state histories from each change's deployments."""
    rng = sim.rng
    for change in sim.changes:
        states: list[tuple[int, str]] = []
        created = change.created_at
        if change.type == "normal":
            approved = min(
                created + rng.randint(2 * _HOUR, 20 * _HOUR), change.planned_start - _HOUR
            )
            approved = max(approved, created + 30 * _MINUTE)
            states += [(created + 10 * _MINUTE, "-4"), (created + 40 * _MINUTE, "-3"),
                       (approved, "-2")]  # fmt: skip
        elif change.type == "standard":
            states.append((created + 1, "-2"))
        deployments = sorted(change.deployments, key=lambda d: d.started_at)
        if not deployments:
            if change.canceled_at is not None:
                states.append((max(change.canceled_at, states[-1][0] + 60 if states else 0), "4"))
                change.close_notes = "Release did not pass staging; change canceled."
            change.states = _transitions(created, states)
            continue
        first, last = deployments[0], deployments[-1]
        change.work_start = first.started_at - rng.randint(1 * _MINUTE, 8 * _MINUTE)
        if change.type == "emergency" and created > first.started_at:
            change.work_start = first.started_at  # raised after the fact
        states.append((max(change.work_start, created + 1), "-1"))
        if last.finished_at is None:  # still deploying at the end
            change.states = _transitions(created, states)
            continue
        change.work_end = last.finished_at + rng.randint(1 * _MINUTE, 10 * _MINUTE)
        rolled_back = any(d.rolled_back for d in deployments)
        if last.status != "success" or rolled_back:
            change.close_code = "unsuccessful"
            change.close_notes = "Rolled back." if rolled_back else "Deployment failed."
        elif len(deployments) > 1 or change.reported_issue_at is not None:
            change.close_code = "successful_issues"
            change.close_notes = "Deployed after a retry." if len(deployments) > 1 else (
                "Deployed; users reported issues afterwards."
            )  # fmt: skip
        else:
            change.close_code = "successful"
            change.close_notes = "Deployed as planned."
        review_at = max(change.work_end, states[-1][0] + 60)
        states.append((review_at, "0"))
        if change.review_after is not None:
            close_after = change.review_after
        elif change.type == "emergency":
            roll = rng.random()
            if roll < 0.8:
                close_after = rng.randint(2 * _HOUR, 60 * _HOUR)
            elif roll < 0.95:
                close_after = rng.randint(80 * _HOUR, 160 * _HOUR)  # review overdue
            else:
                close_after = None  # never reviewed in the period
        else:
            close_after = rng.randint(10 * _MINUTE, 20 * _HOUR)
        if close_after is not None:
            change.closed_at = review_at + close_after
            states.append((change.closed_at, "3"))
        change.states = _transitions(created, states)


def _transitions(created: int, states: list[tuple[int, str]]) -> list[tuple[int, str, str]]:
    out = []
    old = "-5"
    last = created
    for when, new in states:
        when = max(when, last + 1)
        out.append((when, old, new))
        old, last = new, when
    return out


def _is_planted_bad(incident: Incident) -> bool:
    service_id, created, _, _ = _PLANTED_BAD
    return incident.service.catalog_service_id == service_id and incident.created_at == created


def build_story(
    world: World, incidents: list[Incident], rng: random.Random, scale: float = 1.0
) -> Story:
    """The whole delivery and change timeline of the period (see the module docstring)."""
    sim = _Simulator(world, rng, scale)
    routes = {service.service_id: _route_of(rng, service) for service in world.services}
    streams: list[Stream] = []
    for service in world.services:
        streams.extend(_streams(world, service, routes[service.service_id]))

    planted = _planted_slots()
    taken: dict[str, set[int]] = {
        service_id: {slot.staging_at // _DAY + k for slot in slots for k in (-1, 0, 1)}
        for service_id, slots in planted.items()
    }
    bad_by_service: dict[str, list[_Slot]] = {}
    for service_id, slot in _bad_slots(sim, world, incidents, taken):
        bad_by_service.setdefault(service_id, []).append(slot)

    for stream in streams:
        service_id = stream.service.service_id
        first = stream.key == service_id
        fixed = (planted.get(service_id, []) + bad_by_service.get(service_id, [])) if first else []
        for slot in fixed:
            slot.fixed = True
        blocked = {s.staging_at // _DAY + k for s in fixed for k in (-1, 0, 1)}
        blocked |= {s.prod_at // _DAY + k for s in fixed for k in (-1, 0, 1)}
        # a drawn release whose deploys (retries, a next-morning production deploy) could
        # run into a planted one is dropped, so the planted timeline stays exact
        busy = [(s.staging_at - _HOUR, (s.rollback_at or s.prod_at) + 2 * _HOUR) for s in fixed]
        drawn = [
            slot for slot in _random_slots(sim, stream, blocked)
            if not any(slot.staging_at - 6 * _HOUR < end and start < slot.prod_at + 6 * _HOUR
                       for start, end in busy)
        ]  # fmt: skip
        slots = drawn + fixed
        _simulate_stream(sim, stream, slots)

    # user-reported issues after some successful normal/standard releases
    for change in sim.changes:
        done = [d for d in change.deployments if d.status == "success" and not d.is_rollback]
        if done and change.type != "emergency" and rng.random() < 0.06:
            finished = done[-1].finished_at
            assert finished is not None
            if finished < PERIOD_END - 2 * _DAY:
                change.reported_issue_at = finished + rng.randint(40 * _MINUTE, 6 * _HOUR)

    # the planted bad deploy's emergency rollback change is reviewed late (100 h > 72 h)
    sim.bad_links.sort(key=lambda link: (link[0].created_at, link[0].id))
    planted = [link for link in sim.bad_links if _is_planted_bad(link[0])]
    assert len(planted) == 1, "the planted bad deploy was not placed"
    rollback_change = planted[0][2].change
    if rollback_change is not None:
        rollback_change.review_after = 100 * _HOUR
    _finish_changes(sim)

    sim.changes.sort(key=lambda change: (change.created_at, change.sys_id))
    for index, change in enumerate(sim.changes):
        change.number = f"CHG{30001 + index:07d}"
    sim.deployments.sort(key=lambda d: (d.queued_at, d.stream.key, d.environment))
    sim.merge_requests.sort(key=lambda mr: (mr.created_at, mr.stream.key, mr.iid))

    bad_deploys = [
        BadDeploy(
            incident, deployment, rollback,
            caused_by_recorded=_is_planted_bad(incident) or rng.random() < 0.7,
        )
        for incident, deployment, rollback in sim.bad_links
    ]  # fmt: skip
    return Story(
        routes=routes,
        streams=streams,
        deployments=sim.deployments,
        merge_requests=sim.merge_requests,
        changes=sim.changes,
        bad_deploys=bad_deploys,
    )
