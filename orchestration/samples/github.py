"""GitHub sample exports (source-exports.md §6c): deployments and deployment statuses.

Layout under `github/` (top-level JSON arrays, newest first as GitHub lists them):

* `deployments/<owner>__<repo>_<YYYY-MM>_pNNN.json` - the repository's deployments created
  since the start of the month before, taken at 00:30 UTC on the 1st of the next month;
  each record carries `repository_url`. `payload` is `{}` or, for many production
  deployments, `{"change_request": "CHG…"}`; some descriptions name the change instead.
* `deployment_statuses/<owner>__<repo>_<YYYY-MM>_pNNN.json` - the statuses created in
  that month (statuses never change), each with its `deployment_url`: `queued`, `in_progress`, then
  `success`, `failure` or `error`; a successful deployment gets an `inactive` status when
  a newer deployment of the environment succeeds (GitHub's `auto_inactive`), so a
  deployment's outcome is its latest status that is not `inactive`.
"""

from __future__ import annotations

import base64
import calendar
import random
from collections import defaultdict
from pathlib import Path
from typing import Any

from orchestration.samples.render import iso_offset, monthly_exports, stable_int, write_array_pages
from orchestration.samples.story import Deployment, Story
from orchestration.samples.world import User, World

DEPLOYMENTS_FOLDER = "github/deployments"
STATUSES_FOLDER = "github/deployment_statuses"
PAGE_LIMIT = 100
_API = "https://api.github.com"
_FINAL_STATE = {"success": "success", "failed": "failure", "canceled": "error"}
_BOT = {
    "login": "github-actions[bot]",
    "id": 41898282,
    "node_id": "MDM6Qm90NDE4OTgyODI=",
    "avatar_url": "https://avatars.githubusercontent.com/in/15368?v=4",
    "url": f"{_API}/users/github-actions%5Bbot%5D",
    "html_url": "https://github.com/apps/github-actions",
    "type": "Bot",
    "site_admin": False,
}


def _iso(epoch: int) -> str:
    return iso_offset(epoch, None, millis=False)


def repo_file_stem(repo: str) -> str:
    return repo.replace("/", "__")


class _Renderer:
    def __init__(self, world: World, story: Story, rng: random.Random) -> None:
        self.salt = world.salt
        self.rng = rng
        self.deployments = story.deployments_of("github")
        self.ids: dict[int, int] = {}
        self.node_ids: dict[int, str] = {}
        self.run_ids: dict[int, int] = {}
        self.link: dict[int, str] = {}  # how the change is named: payload | description | ""
        self.by_bot: set[int] = set()
        deployment_id = rng.randint(1_500_000_000, 1_600_000_000)
        run_id = rng.randint(9_000_000_000, 9_100_000_000)
        for deployment in self.deployments:
            deployment_id += rng.randint(50, 5_000)
            run_id += rng.randint(1_000, 90_000)
            key = id(deployment)
            self.ids[key] = deployment_id
            self.run_ids[key] = run_id
            self.node_ids[key] = self.node_id("DE_kwDO")
            roll = rng.random()
            if deployment.change is None or not deployment.change_visible:
                self.link[key] = ""
            else:
                self.link[key] = "payload" if roll < 0.65 else "description"
            if not deployment.is_rollback and rng.random() < 0.85:
                self.by_bot.add(key)
        self.statuses = self._statuses()

    def node_id(self, prefix: str) -> str:
        raw = self.rng.getrandbits(96).to_bytes(12, "big")
        return prefix + base64.b64encode(raw, altchars=b"-_").decode().rstrip("=")

    def user(self, user: User) -> dict[str, Any]:
        login = user.email.split("@")[0].replace(".", "-")
        user_id = stable_int(self.salt, 1_000_000, 99_999_999, "github-user", user.email)
        return {
            "login": login,
            "id": user_id,
            "node_id": f"MDQ6VXNlcj{user_id}",
            "avatar_url": f"https://avatars.githubusercontent.com/u/{user_id}?v=4",
            "url": f"{_API}/users/{login}",
            "html_url": f"https://github.com/{login}",
            "type": "User",
            "site_admin": False,
        }

    def creator(self, deployment: Deployment) -> dict[str, Any]:
        return _BOT if id(deployment) in self.by_bot else self.user(deployment.user)

    def _statuses(self) -> list[tuple[int, Deployment, str]]:
        """(created_at, deployment, state) of every status, oldest first."""
        events: list[tuple[int, Deployment, str]] = []
        active: dict[tuple[str, str], Deployment] = {}
        for deployment in sorted(self.deployments, key=lambda d: (d.started_at, d.queued_at)):
            events.append((deployment.queued_at, deployment, "queued"))
            events.append((deployment.started_at, deployment, "in_progress"))
            if deployment.finished_at is None:
                continue
            events.append((deployment.finished_at, deployment, _FINAL_STATE[deployment.status]))
            if deployment.status == "success":
                key = (deployment.stream.repo, deployment.environment)
                previous = active.get(key)
                if previous is not None:
                    events.append((deployment.finished_at + 1, previous, "inactive"))
                active[key] = deployment
        events.sort(key=lambda event: (event[0], self.ids[id(event[1])]))
        return events

    def deployment_record(self, deployment: Deployment, updated: int) -> dict[str, Any]:
        key = id(deployment)
        deployment_id = self.ids[key]
        repo = deployment.stream.repo
        url = f"{_API}/repos/{repo}/deployments/{deployment_id}"
        payload: dict[str, Any] = {}
        short = deployment.sha[:7]
        if deployment.is_rollback:
            description = f"Rollback to {short}"
        else:
            description = f"Deploy {short} to {deployment.environment}"
        change = deployment.change
        if change is not None and self.link[key] == "payload":
            payload = {"change_request": change.number}
        elif change is not None and self.link[key] == "description":
            description += f" ({change.number})"
        return {
            "url": url,
            "id": deployment_id,
            "node_id": self.node_ids[key],
            "task": "deploy",
            "original_environment": deployment.environment,
            "environment": deployment.environment,
            "description": description,
            "created_at": _iso(deployment.queued_at),
            "updated_at": _iso(updated),
            "statuses_url": f"{url}/statuses",
            "repository_url": f"{_API}/repos/{repo}",
            "creator": self.creator(deployment),
            "sha": deployment.sha,
            "ref": deployment.sha if deployment.is_rollback else "main",
            "payload": payload,
            "transient_environment": False,
            "production_environment": deployment.environment == "production",
            "performed_via_github_app": None,
        }

    def status_record(
        self, status_id: int, created: int, deployment: Deployment, state: str
    ) -> dict[str, Any]:
        key = id(deployment)
        repo = deployment.stream.repo
        deployment_url = f"{_API}/repos/{repo}/deployments/{self.ids[key]}"
        run_url = f"https://github.com/{repo}/actions/runs/{self.run_ids[key]}"
        name = repo.split("/")[-1]
        env_url = (
            f"https://{name}.acme.example"
            if deployment.environment == "production"
            else f"https://{name}.staging.acme.example"
        )
        descriptions = {
            "queued": "Deployment queued",
            "in_progress": "Deployment started",
            "success": "Deployment finished successfully.",
            "failure": "Deployment failed: health check did not pass.",
            "error": "Deployment was cancelled.",
            "inactive": "Superseded by a newer deployment.",
        }
        return {
            "url": f"{deployment_url}/statuses/{status_id}",
            "id": status_id,
            "node_id": f"DES_kwDO{status_id:x}",
            "state": state,
            "creator": _BOT
            if key in self.by_bot or state == "inactive"
            else self.user(deployment.user),
            "description": descriptions[state],
            "environment": deployment.environment,
            "target_url": run_url,
            "created_at": _iso(created),
            "updated_at": _iso(created),
            "deployment_url": deployment_url,
            "repository_url": f"{_API}/repos/{repo}",
            "environment_url": env_url if state == "success" else "",
            "log_url": run_url,
            "performed_via_github_app": None,
        }

    def write(self, out_dir: Path) -> dict[str, int]:
        deployments_dir = out_dir / DEPLOYMENTS_FOLDER
        statuses_dir = out_dir / STATUSES_FOLDER
        deployments_dir.mkdir(parents=True, exist_ok=True)
        statuses_dir.mkdir(parents=True, exist_ok=True)
        status_id = self.rng.randint(3_000_000_000, 3_100_000_000)
        statuses: dict[str, list[tuple[int, Deployment, dict[str, Any]]]] = defaultdict(list)
        last_status: dict[int, list[int]] = defaultdict(list)
        for created, deployment, state in self.statuses:
            status_id += self.rng.randint(1, 3_000)
            record = self.status_record(status_id, created, deployment, state)
            statuses[deployment.stream.repo].append((created, deployment, record))
            last_status[id(deployment)].append(created)
        by_repo: dict[str, list[Deployment]] = defaultdict(list)
        for deployment in self.deployments:
            by_repo[deployment.stream.repo].append(deployment)

        deployment_count = status_count = 0
        for label, since, _until, export_at in monthly_exports():
            month_start = calendar.timegm((int(label[:4]), int(label[5:]), 1, 0, 0, 0))
            for repo in sorted(by_repo):
                records = []
                for deployment in by_repo[repo]:
                    if not since <= deployment.queued_at < export_at:
                        continue
                    updated = max(t for t in last_status[id(deployment)] if t <= export_at)
                    records.append(self.deployment_record(deployment, updated))
                records.sort(key=lambda r: r["id"], reverse=True)
                stem = f"{repo_file_stem(repo)}_{label}"
                if records:
                    deployment_count += write_array_pages(
                        deployments_dir, stem, records, PAGE_LIMIT
                    )
                # statuses never change: each export asks only for its own month's
                window = [r for t, _, r in statuses[repo] if month_start <= t < export_at]
                window.sort(key=lambda r: r["id"], reverse=True)
                if window:
                    status_count += write_array_pages(statuses_dir, stem, window, PAGE_LIMIT)
        return {DEPLOYMENTS_FOLDER: deployment_count, STATUSES_FOLDER: status_count}


def write_github(world: World, story: Story, out_dir: Path, rng: random.Random) -> dict[str, int]:
    """Write GitHub deployments and their statuses; records per folder."""
    return _Renderer(world, story, rng).write(out_dir)
