"""Jenkins build exports (source-exports.md §6b; landing.md ``jenkins/builds``).

A file is one ``/job/<name>/api/json?tree=builds[...]`` response: the job object with its
builds under ``builds`` (or JSON Lines of build objects). ``timestamp`` is epoch
milliseconds, ``duration`` milliseconds (0 while ``building``); ``result`` is null while
building. ``actions[]`` is matched by ``_class`` in staging (its order varies and empty
``{}`` entries are common): ``hudson.model.ParametersAction`` gives the parameters,
``hudson.plugins.git.util.BuildData`` the git SHA and branch.

Which job a build belongs to, first found wins (in staging):
1. the build's ``url``: ``http://jenkins/job/team/job/svc-deploy/39/`` -> ``team/svc-deploy``;
2. the envelope's ``fullName`` when the export's ``tree`` asked for it;
3. the file name, the job path with ``/`` written as ``__``, put in ``_file_context`` as
   ``{"job_name": ...}``:
   - ``<job>@<anything>.json`` (``team__svc-deploy@2026-03-01T06_00.json``): preferred,
     never ambiguous, since Jenkins forbids ``@`` in job names (``Jenkins.checkGoodName``);
   - else ``<job>_<suffix>.json`` where the suffix after the last single ``_`` holds no
     ``_`` (``team__svc-deploy_2026-03-01.json``, ``my_job_2026-03-01.json`` -> ``my_job``);
   - a name with neither carries no job;
4. the build's ``fullDisplayName`` (``team » svc-deploy #39``), when it ends in
   `` #<number>`` (folder display names may differ from their names: a last resort).

Jenkins keeps no update stamp on a build: staging keeps a finished copy over a building
one, then the latest file name, then record number.
"""

import re
from pathlib import Path

from orchestration.ingest.spec import Check, FileFormat, SourceSpec, required, typed

JOB_SEPARATOR = "@"
FOLDER_SEPARATOR = "__"
# `<job>_<suffix>`: the job ends with a character other than `_`, the suffix holds no `_`.
_JOB_BEFORE_SUFFIX = re.compile(r"^(?P<job>.*[^_])_(?P<suffix>[^_]+)$")


def job_hint(path: Path) -> dict[str, str]:
    """The job a file name carries: ``team__svc-deploy@2026-03-01.json`` or
    ``team__svc-deploy_2026-03-01.json`` -> ``{"job_name": "team/svc-deploy"}``; a name
    with neither form -> ``{}``."""
    job, separator, _ = path.stem.partition(JOB_SEPARATOR)
    if not separator:
        match = _JOB_BEFORE_SUFFIX.match(path.stem)
        job = match.group("job") if match else ""
    if not job:
        return {}
    return {"job_name": job.replace(FOLDER_SEPARATOR, "/")}


BUILDS = SourceSpec(
    tool="jenkins",
    entity="builds",
    file_format=FileFormat.JSON,
    records_key="builds",
    checks=(
        *required("$.number"),
        *typed(Check.NUMBER, "$.number", "$.duration"),
        *typed(Check.EPOCH_MS, "$.timestamp"),
        *typed(Check.BOOLEAN, "$.building"),
    ),
    file_hints=job_hint,
    description="Jenkins builds (/job/<name>/api/json?tree=builds[...]), one copy per export.",
)

SPECS = (BUILDS,)
