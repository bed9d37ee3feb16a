"""Deterministic sample exports for the landing folder (stdlib only, no Dagster).

`orchestration.samples.generate.generate(out_dir, seed, scale)` writes what the tools
would export over 2026-01-01..2026-06-30, in the shapes of source-exports.md: the
service catalog CSV; PagerDuty REST incidents, log entries and Analytics pages; Opsgenie
alerts; ServiceNow incident, task_sla, change_request and sys_audit tables; GitLab
deployments, environments and merge requests; Jenkins builds; GitHub deployments and
statuses; Statuspage incidents and scheduled maintenances; SLA exclusions.

`world.py` holds the services and their ids in every tool; `story.py` the delivery and
change timeline the deploy tools and ServiceNow render; one module per tool renders it.
"""
