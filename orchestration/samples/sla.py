"""SLA exclusions CSV (landing.md `sla/exclusions`): outages that are not downtime.

`sla/exclusions/exclusions_<YYYY>-Q<n>.csv`, one file per quarter of the incidents'
resolution, header `source,incident_id,reason,approved_by,approved_at`: the Statuspage
incidents caused by third parties, force majeure or a customer, approved a few days after
they were resolved (`approved_at` ISO-8601 with the approver's offset, e.g. `+02:00`).
"""

from __future__ import annotations

import csv
import random
import time
from pathlib import Path

from orchestration.samples.render import iso_offset
from orchestration.samples.statuspage import SpIncident
from orchestration.samples.world import World

EXCLUSIONS_FOLDER = "sla/exclusions"
COLUMNS = ("source", "incident_id", "reason", "approved_by", "approved_at")
APPROVER_ZONE = "Europe/Berlin"


def write_exclusions(
    world: World, incidents: list[SpIncident], out_dir: Path, rng: random.Random
) -> dict[str, int]:
    """Write the quarterly exclusion files; records per folder."""
    folder = out_dir / EXCLUSIONS_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    approvers = sorted({team.lead.email for team in world.teams})[:3]
    by_quarter: dict[str, list[tuple[str, ...]]] = {}
    for incident in incidents:
        resolved = incident.resolved_at()
        if incident.exclusion is None or resolved is None:
            continue
        approved = resolved + rng.randint(1, 5) * 86400 + rng.randint(0, 8 * 3600)
        month = time.gmtime(resolved).tm_mon
        quarter = f"{time.gmtime(resolved).tm_year}-Q{(month - 1) // 3 + 1}"
        row = (
            "statuspage",
            incident.id,
            incident.exclusion,
            rng.choice(approvers),
            iso_offset(approved, APPROVER_ZONE, millis=False),
        )
        by_quarter.setdefault(quarter, []).append(row)
    count = 0
    for quarter, rows in sorted(by_quarter.items()):
        with (folder / f"exclusions_{quarter}.csv").open(
            "w", encoding="utf-8", newline=""
        ) as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(COLUMNS)
            writer.writerows(rows)
        count += len(rows)
    return {EXCLUSIONS_FOLDER: count}
