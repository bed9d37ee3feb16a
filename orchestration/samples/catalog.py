"""Write the service catalog CSV (`catalog/services/services.csv`, columns of landing.md)."""

from __future__ import annotations

import csv
from pathlib import Path

from orchestration.samples.world import CatalogService, World

FOLDER = "catalog/services"
FILE_NAME = "services.csv"

# landing.md, in order; the last two are optional there and always written here.
COLUMNS = (
    "service_id",
    "service_name",
    "criticality",
    "owner_team",
    "is_production",
    "pagerduty_service_ids",
    "opsgenie_teams",
    "statuspage_component_ids",
    "servicenow_cmdb_ci_ids",
    "gitlab_project_ids",
    "jenkins_jobs",
    "github_repos",
    "ticket_tags",
    "jira_components",
)


def _cell_list(values: tuple[object, ...]) -> str:
    return ";".join(str(value) for value in values)


def catalog_row(service: CatalogService) -> list[str]:
    """One CSV row: lists joined by `;`, booleans `true`/`false`."""
    return [
        service.service_id,
        service.service_name,
        service.criticality,
        service.owner_team,
        "true" if service.is_production else "false",
        _cell_list(service.pagerduty_service_ids),
        _cell_list(service.opsgenie_teams),
        _cell_list(service.statuspage_component_ids),
        _cell_list(service.servicenow_cmdb_ci_ids),
        _cell_list(service.gitlab_project_ids),
        _cell_list(service.jenkins_jobs),
        _cell_list(service.github_repos),
        _cell_list(service.ticket_tags),
        _cell_list(service.jira_components),
    ]


def write_catalog(world: World, out_dir: Path) -> dict[str, int]:
    """Write `catalog/services/services.csv`; return {folder: number of data rows}."""
    folder = out_dir / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / FILE_NAME).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for service in world.services:
            writer.writerow(catalog_row(service))
    return {FOLDER: len(world.services)}
