"""Jenkins sample exports (source-exports.md §6b): build lists of the deploy jobs.

`jenkins/builds/<folder>__<name>_<YYYY-MM-DD>.json` is one
`GET /job/<folder>/job/<name>/api/json?tree=builds[...]{0,100}` response taken at 00:30
UTC on the 1st of each month (and on 1 July): the job object
`{"_class": "hudson.model.FreeStyleProject", "builds": [...]}` with its 100 most recent
builds, newest first. Consecutive exports overlap; a build running at one export shows
`building: true`, `result: null`, `duration: 0` there and its result in the next one
(the build started at 23:52 on 30 June is still running in the last export).

Each build has epoch-ms `timestamp`/`duration`, `url` `http://jenkins.example.com/job/
<folder>/job/<name>/<n>/`, and `actions[]` keyed by `_class` in no fixed order, with
empty `{}` entries: `ParametersAction` (DEPLOY_ENV, SERVICE, ROLLBACK, and CHANGE_REQUEST
on the jobs of services under change management, empty when the build names no change),
`CauseAction`, `BuildData` (`lastBuiltRevision.SHA1`, the deployed commit). Most jobs
call their environments `production`/`staging`, a few `prod`/`stage`; some jobs declare
ROLLBACK as a boolean parameter (`true`), older ones as a string (`"true"`).
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from orchestration.samples.render import stable_int, write_json
from orchestration.samples.story import Deployment, Story
from orchestration.samples.world import PERIOD_END, World, month_starts

BUILDS_FOLDER = "jenkins/builds"
JENKINS_URL = "http://jenkins.example.com"
BUILDS_PER_EXPORT = 100
_EXPORT_DELAY = 30 * 60
_RESULTS = {"success": "SUCCESS", "failed": "FAILURE", "canceled": "ABORTED"}
_SHORT_ENV_SERVICES = {"internal-tools"}
_STRING_ROLLBACK_SERVICES = {"auth"}
_AGENTS = ("agent-1", "agent-2", "agent-3", "deploy-agent-eu", "deploy-agent-us")


def job_file_stem(job: str) -> str:
    """`team/svc-deploy` -> `team__svc-deploy` (a `/` cannot appear in a file name)."""
    return job.replace("/", "__")


def job_url(job: str) -> str:
    return JENKINS_URL + "".join(f"/job/{part}" for part in job.split("/")) + "/"


class _Renderer:
    def __init__(self, world: World, story: Story, rng: random.Random) -> None:
        self.world = world
        self.story = story
        self.rng = rng
        self.salt = world.salt
        self.builds: dict[str, list[Deployment]] = defaultdict(list)
        for deployment in story.deployments_of("jenkins"):
            self.builds[deployment.stream.job].append(deployment)
        self.numbers: dict[int, int] = {}
        self.queue_ids: dict[int, int] = {}
        self.unstable: set[int] = set()
        self.extra_actions: dict[int, list[int]] = {}
        queue_id = rng.randint(40_000, 90_000)
        for job in sorted(self.builds):
            number = stable_int(self.salt, 100, 900, "jenkins-job", job)
            for deployment in sorted(self.builds[job], key=lambda d: d.started_at):
                number += 1
                self.numbers[id(deployment)] = number
        for deployment in story.deployments_of("jenkins"):
            queue_id += rng.randint(3, 200)
            self.queue_ids[id(deployment)] = queue_id
            if deployment.status == "failed" and rng.random() < 0.15:
                self.unstable.add(id(deployment))  # tests failed after the deploy step
            self.extra_actions[id(deployment)] = [rng.randint(0, 2), rng.randint(0, 1)]
        self.change_jobs = {
            stream.job for stream in story.streams if stream.service.criticality != "low"
        }

    def env_name(self, deployment: Deployment) -> str:
        short = deployment.service_id in _SHORT_ENV_SERVICES
        if deployment.environment == "production":
            return "prod" if short else "production"
        return "stage" if short else "staging"

    def remote_url(self, deployment: Deployment) -> str:
        stream = deployment.stream
        if stream.route.hosting == "gitlab":
            team = stream.service.owner_team.removeprefix("team-")
            return f"https://gitlab.acme.example/{team}/{stream.service.service_id}.git"
        return f"https://github.com/{stream.repo}.git"

    def parameters(self, deployment: Deployment) -> list[dict[str, Any]]:
        string = "hudson.model.StringParameterValue"
        params: list[dict[str, Any]] = [
            {"_class": string, "name": "DEPLOY_ENV", "value": self.env_name(deployment)},
            {"_class": string, "name": "SERVICE", "value": deployment.service_id},
        ]
        if deployment.stream.job in self.change_jobs:
            change = deployment.change
            number = change.number if change is not None and deployment.change_visible else ""
            params.append({"_class": string, "name": "CHANGE_REQUEST", "value": number})
        if deployment.service_id in _STRING_ROLLBACK_SERVICES:
            value: Any = "true" if deployment.is_rollback else "false"
            params.append({"_class": string, "name": "ROLLBACK", "value": value})
        else:
            params.append(
                {
                    "_class": "hudson.model.BooleanParameterValue",
                    "name": "ROLLBACK",
                    "value": deployment.is_rollback,
                }
            )
        return params

    def build(self, deployment: Deployment, as_of: int) -> dict[str, Any]:
        job = deployment.stream.job
        number = self.numbers[id(deployment)]
        finished = deployment.finished_at
        building = finished is None or finished > as_of
        if building:
            result = None
        elif id(deployment) in self.unstable:
            result = "UNSTABLE"
        else:
            result = _RESULTS[deployment.status]
        started_ms = deployment.started_at * 1000 + stable_int(self.salt, 0, 999, number, job)
        duration = 0 if building else (finished - deployment.started_at) * 1000  # type: ignore[operator]
        user = deployment.user
        user_id = user.email.split("@")[0]
        branch = "refs/remotes/origin/main"
        sha = deployment.sha
        folder_display = job.split("/")[0]
        cause = {
            "_class": "hudson.model.CauseAction",
            "causes": [
                {
                    "_class": "hudson.model.Cause$UserIdCause",
                    "shortDescription": f"Started by user {user.name}",
                    "userId": user_id,
                    "userName": user.name,
                }
            ],
        }
        params = {
            "_class": "hudson.model.ParametersAction",
            "parameters": self.parameters(deployment),
        }
        queue_ms = (deployment.started_at - deployment.queued_at) * 1000
        timing = {
            "_class": "jenkins.metrics.impl.TimeInQueueAction",
            "blockedDurationMillis": 0,
            "buildableDurationMillis": queue_ms,
            "waitingDurationMillis": 0,
        }
        build_data = {
            "_class": "hudson.plugins.git.util.BuildData",
            "lastBuiltRevision": {"SHA1": sha, "branch": [{"SHA1": sha, "name": branch}]},
            "remoteUrls": [self.remote_url(deployment)],
            "scmName": "",
        }
        empties, display = self.extra_actions[id(deployment)]
        actions: list[dict[str, Any]] = [params, cause, *([{}] * empties), timing, build_data]
        actions.append({"_class": "hudson.plugins.git.GitTagAction"})
        actions.append({})
        if display:
            actions.append(
                {"_class": "org.jenkinsci.plugins.displayurlapi.actions.RunDisplayAction"}
            )
        items = []
        if (
            not deployment.is_retry
            and not deployment.is_rollback
            and deployment.environment
            == ("staging" if deployment.stream.route.kind != "gitlab+jenkins" else "production")
        ):
            commit = deployment.commit
            commits = commit.merge_request.commits if commit.merge_request else []
            for item in [*commits, commit]:
                items.append(
                    {
                        "_class": "hudson.plugins.git.GitChangeSet",
                        "commitId": item.sha,
                        "timestamp": item.authored_at * 1000,
                        "author": {
                            "absoluteUrl": f"{JENKINS_URL}/user/{item.author.email.split('@')[0]}",
                            "fullName": item.author.name,
                        },
                        "authorEmail": item.author.email,
                        "comment": item.title + "\n",
                        "id": item.sha,
                        "msg": item.title,
                    }
                )
        description = None
        if deployment.is_rollback:
            description = f"Rollback to {sha[:8]}"
        return {
            "_class": "hudson.model.FreeStyleBuild",
            "actions": actions,
            "artifacts": [],
            "building": building,
            "description": description,
            "displayName": f"#{number}",
            "duration": duration,
            "estimatedDuration": 300_000,
            "executor": {} if building else None,
            "fullDisplayName": f"{folder_display} » {job.split('/')[-1]} #{number}",
            "id": str(number),
            "keepLog": False,
            "number": number,
            "queueId": self.queue_ids[id(deployment)],
            "result": result,
            "timestamp": started_ms,
            "url": f"{job_url(job)}{number}/",
            "builtOn": _AGENTS[number % len(_AGENTS)],
            "changeSet": {
                "_class": "hudson.plugins.git.GitChangeSetList",
                "items": items,
                "kind": "git",
            },
            "culprits": [],
        }

    def write(self, out_dir: Path) -> int:
        folder = out_dir / BUILDS_FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        exports = [start + _EXPORT_DELAY for start in month_starts()[1:]]
        if exports[-1] != PERIOD_END + _EXPORT_DELAY:
            exports.append(PERIOD_END + _EXPORT_DELAY)
        count = 0
        for job in sorted(self.builds):
            builds = sorted(self.builds[job], key=lambda d: d.started_at, reverse=True)
            for export_at in exports:
                visible = [d for d in builds if d.queued_at <= export_at][:BUILDS_PER_EXPORT]
                if not visible:
                    continue
                stamp = _stamp(export_at)
                page = {
                    "_class": "hudson.model.FreeStyleProject",
                    "builds": [self.build(d, export_at) for d in visible],
                }
                write_json(folder / f"{job_file_stem(job)}_{stamp}.json", page)
                count += len(visible)
        return count


def _stamp(epoch: int) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(epoch))


def write_jenkins(world: World, story: Story, out_dir: Path, rng: random.Random) -> dict[str, int]:
    """Write the deploy jobs' build exports; records per folder."""
    return {BUILDS_FOLDER: _Renderer(world, story, rng).write(out_dir)}
