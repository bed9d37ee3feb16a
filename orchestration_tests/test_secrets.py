"""No credentials in any committed file: profiles.yml reads them from the environment,
and the tracked tree has no private keys, cloud keys, tokens or literal passwords."""

from __future__ import annotations

import re
import subprocess

import yaml

from orchestration_tests.conftest import PROJECT_ROOT

# Shapes of real secrets (provider-documented prefixes) and of literal assignments.
SECRET_PATTERNS = {
    "private key": re.compile(r"-----BEGIN (?:RSA |EC |OPENSSH |DSA |PGP )?PRIVATE KEY"),
    "AWS access key id": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "Slack token": re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"),
    "OpenAI-style key": re.compile(r"\bsk-[A-Za-z0-9]{32,}\b"),
    "Google API key": re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"),
    "credentials in a URL": re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s/:@'\"]+:[^\s/@'\"{}$]+@"),
    "literal password": re.compile(
        r"""(?i)(?<![A-Za-z])(?:password|passwd|secret|api_key|apikey|token)(?![A-Za-z])"""
        r"""\s*[:=]\s*["']?(?!["'{$]|\s|$)"""
        r"""(?![A-Za-z_][A-Za-z0-9_]*[.(\[])(?!None\b|True\b|False\b)[^\s"',)]{6,}"""
    ),
}
# Text files only; lock files are package hashes, fixtures are exports.
SKIPPED_SUFFIXES = {".lock", ".png", ".jpg", ".ico", ".duckdb", ".parquet"}


def tracked_files() -> list[str]:
    output = subprocess.run(
        ["git", "ls-files", "-z"], cwd=PROJECT_ROOT, capture_output=True, check=True
    ).stdout
    return [name for name in output.decode().split("\0") if name]


def findings(text: str) -> list[str]:
    return [
        f"{name}: {match.group(0)[:40]}"
        for name, pattern in SECRET_PATTERNS.items()
        for match in pattern.finditer(text)
    ]


def test_the_patterns_catch_obvious_secrets() -> None:
    # Assembled at run time, so this file itself does not match.
    planted = [
        "-----BEGIN RSA " + "PRIVATE KEY-----",
        "aws_key = AKIA" + "IOSFODNN7EXAMPLE",
        "token: ghp_" + "a1B2" * 9,
        "url = postgresql://kpi:" + "hunter2pass@db.internal/kpis",
        "pass" + 'word: "hunter2pass"',
        "KPI_PG_PASS" + "WORD=s3cr3t-value",
    ]
    assert all(findings(line) for line in planted), [line for line in planted if not findings(line)]
    harmless = [
        "password: \"{{ env_var('KPI_PG_PASSWORD', '') }}\"",
        "password=self.password or None,",
        "token = os.environ['X']",
        "secret: the key comes from the environment",
    ]
    assert [line for line in harmless if findings(line)] == []


def test_no_committed_file_holds_a_secret() -> None:
    found = {}
    for name in tracked_files():
        path = PROJECT_ROOT / name
        if path.suffix in SKIPPED_SUFFIXES or not path.is_file():
            continue
        try:
            text = path.read_text()
        except UnicodeDecodeError:
            continue
        if hits := findings(text):
            found[name] = hits
    assert found == {}


def test_profiles_read_every_credential_from_the_environment() -> None:
    profiles = yaml.safe_load((PROJECT_ROOT / "profiles.yml").read_text())
    for name, output in profiles["service_kpis"]["outputs"].items():
        for field in ("user", "password", "host", "token", "path"):
            value = str(output.get(field, "env_var("))
            # Fixed values that name no server: DuckDB's in-memory lint target, and the
            # placeholder host dbt-spark requires for an in-process `method: session`.
            placeholder = value == ":memory:" or (
                field == "host" and value == "NA" and output.get("method") == "session"
            )
            assert "env_var(" in value or placeholder, f"{name}.{field} = {value}"
