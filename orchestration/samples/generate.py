"""Write a deterministic sample landing folder.

    python -m orchestration.samples.generate --out data/landing [--seed 42] [--scale 1.0]

The same seed and scale give byte-identical files. Each tool draws from its own
`random.Random` derived from the seed (`"<tool>:<seed>"`), so adding a tool leaves the
files of the existing tools unchanged. The shared delivery/change timeline (`story.py`)
has its own rng too, and is laid around the simulated PagerDuty incidents rather than
changing them, so PagerDuty's files do not depend on any other tool.

The support side (`write_support`: Zendesk, Jira Service Management, Delighted, CRM
contracts, finance) reads only the world and the operational signals (bad deploys and
Statuspage outages, support.py), so from scale 5 on Zendesk (the bulk) is written by a
second process while this one writes the operational tools; the files do not depend on
that.
Files are written (overwritten if present), never deleted.
"""

from __future__ import annotations

import argparse
import functools
import gc
import multiprocessing
import os
import random
import sys
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from orchestration.samples.catalog import write_catalog
from orchestration.samples.crm import write_contracts
from orchestration.samples.delighted import write_delighted
from orchestration.samples.finance import write_billing_adjustments, write_support_costs
from orchestration.samples.github import write_github
from orchestration.samples.gitlab import write_gitlab
from orchestration.samples.jenkins import write_jenkins
from orchestration.samples.jira import write_jira
from orchestration.samples.opsgenie import simulate_alerts, write_opsgenie
from orchestration.samples.pagerduty import (
    Incident,
    simulate_incidents,
    write_pagerduty_exports,
)
from orchestration.samples.pagerduty_analytics import write_analytics
from orchestration.samples.servicenow import write_servicenow
from orchestration.samples.sla import write_exclusions
from orchestration.samples.statuspage import (
    SpIncident,
    simulate_maintenances,
    write_statuspage,
)
from orchestration.samples.statuspage import (
    _Builder as _StatuspageBuilder,
)
from orchestration.samples.statuspage import (
    simulate_incidents as simulate_statuspage_incidents,
)
from orchestration.samples.story import Story, build_story
from orchestration.samples.support import Signal, build_support, operational_signals
from orchestration.samples.tickets import simulate_tickets
from orchestration.samples.world import World, build_world
from orchestration.samples.zendesk import write_zendesk


def _rng(seed: int, part: str) -> random.Random:
    # str seeds are hashed with SHA-512 by random.Random: stable across runs and platforms
    return random.Random(f"{part}:{seed}")


def generate(
    out_dir: Path, seed: int = 42, scale: float = 1.0, parallel: bool | None = None
) -> dict[str, int]:
    """Write the sample exports under `out_dir`; return the records written per folder.

    About 250 PagerDuty incidents per unit of `scale` (linear; 0.1 and 100 both work);
    the other tools scale with the number of services (8 per unit of scale), the support
    tools with the customers (about 2,000 Zendesk tickets per unit of scale).
    `parallel` (default: from scale 5 on, with more than one CPU) writes Zendesk in a
    second process while this one writes the operational tools and then the other
    support tools; the files are the same either way.
    """
    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    out_dir = Path(out_dir)
    world = build_world(_rng(seed, "world"), scale=scale)
    counts: dict[str, int] = {}
    counts.update(write_catalog(world, out_dir))

    incidents = simulate_incidents(world, _rng(seed, "pagerduty"), scale)
    counts.update(write_pagerduty_exports(incidents, out_dir))
    counts.update(write_analytics(incidents, out_dir, _rng(seed, "pagerduty_analytics")))

    alerts = simulate_alerts(world, _rng(seed, "opsgenie"), scale)
    counts.update(write_opsgenie(alerts, out_dir, _rng(seed, "opsgenie_export")))

    story = build_story(world, incidents, _rng(seed, "story"), scale)
    statuspage_replay, maintenances = _statuspage_replay(world, story, incidents, seed, scale)
    signals = operational_signals(world, story, statuspage_replay)
    if parallel is None:
        parallel = scale >= 5 and (os.cpu_count() or 1) > 1
    with ExitStack() as stack:
        support_job: Future[dict[str, int]] | None = None
        if parallel:
            pool = stack.enter_context(
                ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
            )
            support_job = pool.submit(
                write_support_tickets, world, signals, statuspage_replay, maintenances,
                out_dir, seed, scale,
            )  # fmt: skip

        counts.update(write_gitlab(world, story, out_dir, _rng(seed, "gitlab")))
        counts.update(write_jenkins(world, story, out_dir, _rng(seed, "jenkins")))
        counts.update(write_github(world, story, out_dir, _rng(seed, "github")))
        counts.update(
            write_servicenow(
                world, story, incidents, alerts, out_dir, _rng(seed, "servicenow"), scale
            )
        )
        statuspage_counts, statuspage_incidents = write_statuspage(
            world, story, incidents, out_dir, _rng(seed, "statuspage"), scale
        )
        counts.update(statuspage_counts)
        counts.update(write_exclusions(world, statuspage_incidents, out_dir, _rng(seed, "sla")))

        if [i.id for i in statuspage_replay] != [i.id for i in statuspage_incidents]:
            raise RuntimeError("the Statuspage replay diverged from write_statuspage")
        if support_job is not None:
            counts.update(write_support_surveys(world, signals, out_dir, seed, scale))
            counts.update(support_job.result())
        else:
            counts.update(
                write_support(world, signals, statuspage_replay, maintenances, out_dir, seed, scale)
            )
    return counts


def _statuspage_replay(
    world: World, story: Story, incidents: list[Incident], seed: int, scale: float
) -> tuple[list[SpIncident], list[SpIncident]]:
    """Statuspage's incidents and scheduled maintenances, replayed from its own seed before
    write_statuspage runs (it does not return the maintenances); generate() checks the
    replayed incidents against the ones it wrote."""
    rng = _rng(seed, "statuspage")
    _StatuspageBuilder(world, rng).sp_id()  # the page id write_statuspage draws first
    replayed = simulate_statuspage_incidents(world, story, incidents, rng, scale)
    return replayed, simulate_maintenances(world, rng, scale)


def write_support(
    world: World,
    signals: list[Signal],
    statuspage_incidents: list[SpIncident],
    maintenances: list[SpIncident],
    out_dir: Path,
    seed: int = 42,
    scale: float = 1.0,
) -> dict[str, int]:
    """The customer side: Zendesk, Jira Service Management, Delighted, CRM and finance,
    reacting to the operational signals (support.py). Each part has its own rng."""
    counts = write_support_tickets(
        world, signals, statuspage_incidents, maintenances, out_dir, seed, scale
    )
    counts.update(write_support_surveys(world, signals, out_dir, seed, scale))
    return counts


def _without_gc(function: Callable[..., dict[str, int]]) -> Callable[..., dict[str, int]]:
    """Millions of small, long-lived objects and no reference cycles worth collecting: the
    cyclic garbage collector is paused meanwhile (at scale 100 it would otherwise walk the
    growing heap again and again, a third of the run)."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> dict[str, int]:
        collecting = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if collecting:
                gc.enable()

    return wrapper


@_without_gc
def write_support_tickets(
    world: World,
    signals: list[Signal],
    statuspage_incidents: list[SpIncident],
    maintenances: list[SpIncident],
    out_dir: Path,
    seed: int = 42,
    scale: float = 1.0,
) -> dict[str, int]:
    """Zendesk, and the billing adjustments that depend on its SLA breaches."""
    support = build_support(world, signals, _rng(seed, "support"), scale)
    tickets = simulate_tickets(support, _rng(seed, "zendesk"), scale)
    counts = write_zendesk(support, tickets, out_dir)
    counts.update(
        write_billing_adjustments(
            world, support, tickets, statuspage_incidents, maintenances, out_dir,
            _rng(seed, "finance_adjustments"),
        )
    )  # fmt: skip
    return counts


@_without_gc
def write_support_surveys(
    world: World, signals: list[Signal], out_dir: Path, seed: int = 42, scale: float = 1.0
) -> dict[str, int]:
    """Jira Service Management, Delighted, the CRM contracts and the support costs (the
    same support story, rebuilt from its seed: the two halves may run in two processes)."""
    support = build_support(world, signals, _rng(seed, "support"), scale)
    counts = write_jira(support, out_dir, _rng(seed, "jira"), scale)
    counts.update(write_delighted(support, out_dir, _rng(seed, "delighted"), scale))
    counts.update(write_contracts(support, out_dir))
    counts.update(write_support_costs(support, out_dir, _rng(seed, "finance")))
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m orchestration.samples.generate",
        description="Write deterministic sample tool exports into a landing folder.",
    )
    parser.add_argument("--out", type=Path, required=True, help="landing folder to write")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = ~250 incidents")
    args = parser.parse_args(argv)
    if args.scale <= 0:
        parser.error("--scale must be positive")

    started = time.perf_counter()
    counts = generate(args.out, seed=args.seed, scale=args.scale)
    elapsed = time.perf_counter() - started
    for folder, records in sorted(counts.items()):
        files = sum(1 for path in (args.out / folder).iterdir() if path.is_file())
        print(f"{folder:<34} {records:>9,} records {files:>6,} files")
    print(f"wrote {args.out} (seed {args.seed}, scale {args.scale:g}) in {elapsed:.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
