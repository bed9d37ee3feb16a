"""Write a deterministic sample landing folder.

    python -m orchestration.samples.generate --out data/landing [--seed 42] [--scale 1.0]

The same seed and scale give byte-identical files. Each tool draws from its own
`random.Random` derived from the seed (`"<tool>:<seed>"`), so adding a tool leaves the
files of the existing tools unchanged. The shared delivery/change timeline (`story.py`)
has its own rng too, and is laid around the simulated PagerDuty incidents rather than
changing them, so PagerDuty's files do not depend on any other tool.
Files are written (overwritten if present), never deleted.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

from orchestration.samples.catalog import write_catalog
from orchestration.samples.github import write_github
from orchestration.samples.gitlab import write_gitlab
from orchestration.samples.jenkins import write_jenkins
from orchestration.samples.opsgenie import simulate_alerts, write_opsgenie
from orchestration.samples.pagerduty import simulate_incidents, write_pagerduty_exports
from orchestration.samples.pagerduty_analytics import write_analytics
from orchestration.samples.servicenow import write_servicenow
from orchestration.samples.sla import write_exclusions
from orchestration.samples.statuspage import write_statuspage
from orchestration.samples.story import build_story
from orchestration.samples.world import build_world


def _rng(seed: int, part: str) -> random.Random:
    # str seeds are hashed with SHA-512 by random.Random: stable across runs and platforms
    return random.Random(f"{part}:{seed}")


def generate(out_dir: Path, seed: int = 42, scale: float = 1.0) -> dict[str, int]:
    """Write the sample exports under `out_dir`; return the records written per folder.

    About 250 PagerDuty incidents per unit of `scale` (linear; 0.1 and 100 both work);
    the other tools scale with the number of services (8 per unit of scale).
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
    counts.update(write_gitlab(world, story, out_dir, _rng(seed, "gitlab")))
    counts.update(write_jenkins(world, story, out_dir, _rng(seed, "jenkins")))
    counts.update(write_github(world, story, out_dir, _rng(seed, "github")))
    counts.update(
        write_servicenow(world, story, incidents, alerts, out_dir, _rng(seed, "servicenow"), scale)
    )
    statuspage_counts, statuspage_incidents = write_statuspage(
        world, story, incidents, out_dir, _rng(seed, "statuspage"), scale
    )
    counts.update(statuspage_counts)
    counts.update(write_exclusions(world, statuspage_incidents, out_dir, _rng(seed, "sla")))
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
