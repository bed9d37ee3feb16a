"""GitLab sample exports (source-exports.md §6a): deployments, environments, merge requests.

Layout under `gitlab/` (every file a top-level JSON array, as the API pages come):

* `deployments/project-<id>_<YYYY-MM>_pNNN.json` - `GET /projects/:id/deployments?
  updated_after=<start of the month before>&order_by=updated_at`, taken at 00:30 UTC on
  the 1st of the next month: each deployment shows up in two exports, a running one first
  as `running` and then finished. Most records name their project in
  `deployable.pipeline.project_id`; deployments created through the API have
  `deployable: null`, and January's exports came from an older GitLab whose pipeline
  object has no `project_id`, so for those only the file name tells the project.
* `environments/project-<id>_environments_<YYYY-MM-DD>.json` - `GET /projects/:id/
  environments` on 1 April and 1 July (`tier`, `state`; a newer `updated_at` in July).
* `merge_requests/project-<id>_<YYYY-MM>_pNNN.json` - `GET /projects/:id/merge_requests?
  state=all&updated_after=…`, the same monthly look-back as deployments.

No top-level `finished_at` on deployments (take `deployable.finished_at`). Times are UTC
with milliseconds; commit dates carry the author's offset (`…000+02:00`).
"""

from __future__ import annotations

import bisect
import random
from collections import defaultdict
from pathlib import Path
from typing import Any

from orchestration.samples.render import (
    iso_ms_z,
    iso_offset,
    monthly_exports,
    stable_int,
    write_array_pages,
    write_json,
)
from orchestration.samples.story import Commit, Deployment, MergeRequest, Story, at
from orchestration.samples.world import PERIOD_END, User, World

DEPLOYMENTS_FOLDER = "gitlab/deployments"
ENVIRONMENTS_FOLDER = "gitlab/environments"
MERGE_REQUESTS_FOLDER = "gitlab/merge_requests"
PAGE_LIMIT = 100
_WEB = "https://gitlab.acme.example"
_AUTHOR_ZONES = ("Europe/Berlin", "America/New_York", "Asia/Kolkata", "Europe/London", "UTC")
_ENVIRONMENT_EXPORTS = (at(4, 1, 0, 30), PERIOD_END + 30 * 60)
_OLD_GITLAB_MONTHS = {"2026-01"}  # pipeline objects without project_id


class _Renderer:
    def __init__(self, world: World, story: Story, rng: random.Random) -> None:
        self.world = world
        self.story = story
        self.rng = rng
        self.salt = world.salt
        self.paths: dict[int, str] = {}
        for stream in story.streams:
            if stream.gitlab_project_id is not None:
                suffix = "" if stream.key == stream.service.service_id else "-worker"
                team = stream.service.owner_team.removeprefix("team-")
                self.paths[stream.gitlab_project_id] = f"{team}/{stream.service.service_id}{suffix}"
        self.deployments = story.deployments_of("gitlab")
        self._ids()

    def _ids(self) -> None:
        rng = self.rng
        # pipelines: one per (project, SHA), ids increasing with creation time
        pipelines: dict[tuple[int, str], int] = {}
        for deployment in self.deployments:
            key = (self.project(deployment), deployment.sha)
            created = deployment.commit.committed_at + rng.randint(20, 180)
            pipelines[key] = min(pipelines.get(key, created), created)
        self.pipeline_created = pipelines
        next_id = rng.randint(80_000, 120_000)
        self.pipeline_ids: dict[tuple[int, str], int] = {}
        self.pipeline_iids: dict[tuple[int, str], int] = {}
        iids: dict[int, int] = defaultdict(lambda: rng.randint(200, 900))
        for key in sorted(pipelines, key=lambda k: (pipelines[k], k)):
            next_id += rng.randint(1, 40)
            self.pipeline_ids[key] = next_id
            iids[key[0]] += 1
            self.pipeline_iids[key] = iids[key[0]]
        self.deployment_ids: dict[int, tuple[int, int, int]] = {}
        deployment_id = rng.randint(20_000, 40_000)
        job_id = rng.randint(3_000_000, 4_000_000)
        deployment_iids: dict[int, int] = defaultdict(lambda: rng.randint(50, 300))
        for deployment in self.deployments:
            deployment_id += rng.randint(1, 9)
            job_id += rng.randint(5, 400)
            project = self.project(deployment)
            deployment_iids[project] += 1
            self.deployment_ids[id(deployment)] = (deployment_id, deployment_iids[project], job_id)
        # environments per project, ids fixed before the period
        self.environments: dict[tuple[int, str], dict[str, Any]] = {}
        env_id = rng.randint(1_000, 5_000)
        for project in sorted(self.paths):
            for name in ("production", "staging"):
                env_id += rng.randint(1, 30)
                created = at(1, 1) - rng.randint(30, 400) * 86400
                self.environments[(project, name)] = {"id": env_id, "created_at": created}
        # deployments created through the API (no job); never one that spans an export
        self.no_deployable = {
            id(d)
            for d in self.deployments
            if not d.is_rollback
            and rng.random() < 0.05
            and d.finished_at is not None
            and d.finished_at // 86400 == d.started_at // 86400
        }
        # deployments per environment by creation, to render environment.updated_at
        self.env_deploys: dict[tuple[int, str], list[int]] = defaultdict(list)
        for deployment in self.deployments:
            self.env_deploys[(self.project(deployment), deployment.environment)].append(
                deployment.queued_at
            )

    def project(self, deployment: Deployment) -> int:
        project = deployment.stream.gitlab_project_id
        assert project is not None
        return project

    def user(self, user: User) -> dict[str, Any]:
        username = user.email.split("@")[0]
        return {
            "id": stable_int(self.salt, 100, 99_999, "gitlab-user", user.email),
            "username": username,
            "name": user.name,
            "state": "active",
            "locked": False,
            "avatar_url": f"{_WEB}/uploads/-/system/user/avatar/{username}.png",
            "web_url": f"{_WEB}/{username}",
        }

    def commit(self, commit: Commit, project: int) -> dict[str, Any]:
        zone = _AUTHOR_ZONES[stable_int(self.salt, 0, len(_AUTHOR_ZONES) - 1, commit.author.email)]
        created = iso_offset(commit.committed_at, None if zone == "UTC" else zone)
        authored = iso_offset(commit.authored_at, None if zone == "UTC" else zone)
        return {
            "id": commit.sha,
            "short_id": commit.sha[:8],
            "created_at": created,
            "parent_ids": [],
            "title": commit.title,
            "message": commit.title + "\n",
            "author_name": commit.author.name,
            "author_email": commit.author.email,
            "authored_date": authored,
            "committer_name": commit.author.name,
            "committer_email": commit.author.email,
            "committed_date": created,
            "trailers": {},
            "extended_trailers": {},
            "web_url": f"{_WEB}/{self.paths[project]}/-/commit/{commit.sha}",
        }

    # -- deployments -----------------------------------------------------------------

    def deployment(self, deployment: Deployment, as_of: int, old_gitlab: bool) -> dict[str, Any]:
        project = self.project(deployment)
        deployment_id, iid, job_id = self.deployment_ids[id(deployment)]
        finished = deployment.finished_at
        running = finished is None or finished > as_of
        status = "running" if running else deployment.status
        updated = deployment.started_at if running else finished
        env = self.environments[(project, deployment.environment)]
        times = self.env_deploys[(project, deployment.environment)]
        last = times[bisect.bisect_right(times, as_of) - 1]
        path = self.paths[project]
        record: dict[str, Any] = {
            "id": deployment_id,
            "iid": iid,
            "ref": "main",
            "sha": deployment.sha,
            "created_at": iso_ms_z(deployment.queued_at),
            "updated_at": iso_ms_z(updated),
            "status": status,
            "user": self.user(deployment.user),
            "environment": {
                "id": env["id"],
                "name": deployment.environment,
                "slug": deployment.environment,
                "external_url": self.external_url(project, deployment.environment),
                "created_at": iso_ms_z(env["created_at"]),
                "updated_at": iso_ms_z(last),
            },
            "deployable": None,
        }
        if id(deployment) in self.no_deployable:
            return record  # created through the API: no job, the file name gives the project
        pipeline_key = (project, deployment.sha)
        pipeline_created = self.pipeline_created[pipeline_key]
        pipeline = {
            "id": self.pipeline_ids[pipeline_key],
            "iid": self.pipeline_iids[pipeline_key],
            "project_id": project,
            "sha": deployment.sha,
            "ref": "main",
            "status": status,
            "source": "push",
            "created_at": iso_ms_z(pipeline_created),
            "updated_at": iso_ms_z(updated),
            "web_url": f"{_WEB}/{path}/-/pipelines/{self.pipeline_ids[pipeline_key]}",
        }
        if old_gitlab:
            del pipeline["project_id"], pipeline["iid"], pipeline["source"]
        duration = None if running else round(finished - deployment.started_at + 0.0, 3)  # type: ignore[operator]
        record["deployable"] = {
            "id": job_id,
            "status": status,
            "stage": "deploy",
            "name": f"deploy:{deployment.environment}",
            "ref": "main",
            "tag": False,
            "coverage": None,
            "allow_failure": False,
            "created_at": iso_ms_z(deployment.queued_at),
            "started_at": iso_ms_z(deployment.started_at),
            "finished_at": None if running else iso_ms_z(finished),  # type: ignore[arg-type]
            "erased_at": None,
            "duration": duration,
            "queued_duration": round(deployment.started_at - deployment.queued_at + 0.0, 3),
            "user": self.user(deployment.user),
            "commit": self.commit(deployment.commit, project),
            "pipeline": pipeline,
            "web_url": f"{_WEB}/{path}/-/jobs/{job_id}",
            "project": {"ci_job_token_scope_enabled": False},
            "artifacts": [],
            "runner": None,
            "artifacts_expire_at": None,
            "tag_list": ["deploy"],
        }
        return record

    def external_url(self, project: int, environment: str) -> str:
        name = self.paths[project].split("/")[-1]
        return (
            f"https://{name}.acme.example"
            if environment == "production"
            else f"https://{name}.staging.acme.example"
        )

    def write_deployments(self, out_dir: Path) -> int:
        folder = out_dir / DEPLOYMENTS_FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        by_project: dict[int, list[Deployment]] = defaultdict(list)
        for deployment in self.deployments:
            by_project[self.project(deployment)].append(deployment)
        count = 0
        for label, since, _until, export_at in monthly_exports():
            old = label in _OLD_GITLAB_MONTHS
            for project in sorted(by_project):
                records = []
                for deployment in by_project[project]:
                    if deployment.queued_at > export_at:
                        continue
                    record = self.deployment(deployment, export_at, old)
                    updated = deployment.started_at
                    if deployment.finished_at is not None and deployment.finished_at <= export_at:
                        updated = deployment.finished_at
                    if since <= updated < export_at:
                        records.append((updated, record["id"], record))
                records.sort(key=lambda item: item[:2])  # order_by=updated_at, asc
                if records:
                    count += write_array_pages(
                        folder, f"project-{project}_{label}", [r[2] for r in records], PAGE_LIMIT
                    )
        return count

    # -- environments ----------------------------------------------------------------

    def write_environments(self, out_dir: Path) -> int:
        folder = out_dir / ENVIRONMENTS_FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        count = 0
        used = {self.project(d) for d in self.deployments}
        for export_at in _ENVIRONMENT_EXPORTS:
            stamp = iso_ms_z(export_at)[:10]
            for project in sorted(used):
                records = []
                for name, tier in (("production", "production"), ("staging", "staging")):
                    env = self.environments[(project, name)]
                    times = self.env_deploys.get((project, name), [])
                    index = bisect.bisect_right(times, export_at) - 1
                    updated = times[index] if index >= 0 else env["created_at"]
                    records.append(
                        {
                            "id": env["id"],
                            "name": name,
                            "slug": name,
                            "description": None,
                            "external_url": self.external_url(project, name),
                            "state": "available",
                            "tier": tier,
                            "created_at": iso_ms_z(env["created_at"]),
                            "updated_at": iso_ms_z(updated),
                            "enable_advanced_logs_querying": False,
                            "logs_api_path": f"/{self.paths[project]}/-/logs/k8s.json",
                            "auto_stop_at": None,
                            "auto_stop_setting": "always",
                        }
                    )
                write_json(folder / f"project-{project}_environments_{stamp}.json", records)
                count += len(records)
        return count

    # -- merge requests --------------------------------------------------------------

    def merge_request(self, mr: MergeRequest, as_of: int, mr_id: int) -> dict[str, Any]:
        project = mr.stream.gitlab_project_id
        assert project is not None
        path = self.paths[project]
        merged = mr.merged_at is not None and mr.merged_at <= as_of
        closed = mr.closed_at is not None and mr.closed_at <= as_of
        state = "merged" if merged else ("closed" if closed else "opened")
        updated = mr.merged_at if merged else (mr.closed_at if closed else mr.created_at)
        merge_sha = mr.merge_commit.sha if merged and mr.merge_commit else None
        merger = self.user(mr.merged_by) if merged and mr.merged_by else None
        return {
            "id": mr_id,
            "iid": mr.iid,
            "project_id": project,
            "title": mr.title,
            "description": f"Closes #{mr.iid * 3 % 997}",
            "state": state,
            "created_at": iso_ms_z(mr.created_at),
            "updated_at": iso_ms_z(updated),  # type: ignore[arg-type]
            "merged_by": merger,
            "merge_user": merger,
            "merged_at": iso_ms_z(mr.merged_at) if merged else None,  # type: ignore[arg-type]
            "closed_by": self.user(mr.author) if closed and not merged else None,
            "closed_at": iso_ms_z(mr.closed_at) if closed and not merged else None,  # type: ignore[arg-type]
            "target_branch": "main",
            "source_branch": mr.source_branch,
            "user_notes_count": mr.iid % 7,
            "upvotes": mr.iid % 3,
            "downvotes": 0,
            "author": self.user(mr.author),
            "assignees": [],
            "assignee": None,
            "reviewers": [merger] if merger else [],
            "source_project_id": project,
            "target_project_id": project,
            "labels": [],
            "draft": mr.title.startswith("Draft:"),
            "work_in_progress": mr.title.startswith("Draft:"),
            "milestone": None,
            "merge_when_pipeline_succeeds": False,
            "merge_status": "can_be_merged",
            "detailed_merge_status": "not_open" if state != "opened" else "mergeable",
            "sha": mr.head_sha,
            "merge_commit_sha": merge_sha,
            "squash_commit_sha": None,
            "discussion_locked": None,
            "should_remove_source_branch": True,
            "force_remove_source_branch": True,
            "prepared_at": iso_ms_z(mr.created_at + 30),
            "reference": f"!{mr.iid}",
            "references": {
                "short": f"!{mr.iid}",
                "relative": f"!{mr.iid}",
                "full": f"{path}!{mr.iid}",
            },
            "web_url": f"{_WEB}/{path}/-/merge_requests/{mr.iid}",
            "squash": False,
            "squash_on_merge": False,
            "has_conflicts": False,
            "blocking_discussions_resolved": True,
        }

    def write_merge_requests(self, out_dir: Path) -> int:
        folder = out_dir / MERGE_REQUESTS_FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        by_project: dict[int, list[tuple[int, MergeRequest]]] = defaultdict(list)
        mr_id = self.rng.randint(100_000, 200_000)
        for mr in self.story.merge_requests:
            if mr.stream.gitlab_project_id is None:
                continue
            mr_id += self.rng.randint(1, 25)
            by_project[mr.stream.gitlab_project_id].append((mr_id, mr))
        count = 0
        for label, since, _until, export_at in monthly_exports():
            for project in sorted(by_project):
                records = []
                for mr_id, mr in by_project[project]:
                    if mr.created_at > export_at:
                        continue
                    record = self.merge_request(mr, export_at, mr_id)
                    updated = record["updated_at"]
                    if iso_ms_z(since) <= updated < iso_ms_z(export_at):
                        records.append(record)
                records.sort(key=lambda r: (r["updated_at"], r["id"]), reverse=True)
                if records:
                    count += write_array_pages(
                        folder, f"project-{project}_{label}", records, PAGE_LIMIT
                    )
        return count


def write_gitlab(world: World, story: Story, out_dir: Path, rng: random.Random) -> dict[str, int]:
    """Write GitLab deployments, environments and merge requests; records per folder."""
    renderer = _Renderer(world, story, rng)
    return {
        DEPLOYMENTS_FOLDER: renderer.write_deployments(out_dir),
        ENVIRONMENTS_FOLDER: renderer.write_environments(out_dir),
        MERGE_REQUESTS_FOLDER: renderer.write_merge_requests(out_dir),
    }
