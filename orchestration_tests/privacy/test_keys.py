"""The personal-data key: dbt's macro on DuckDB, Python's purge and the standard library's
HMAC agree, and the key comes from the environment."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration.privacy import keys
from orchestration_tests.conftest import PROJECT_ROOT

MACRO = PROJECT_ROOT / "macros" / "privacy" / "personal_data_key.sql"
DBT = Path(sys.executable).parent / "dbt"
OTHER_KEY = "test-key-0123456789-ñ"
INPUTS = [
    "jane.doe@example.com",
    "  Jane.Doe@Example.COM ",
    "Kim Min-jun",
    "Zoë Ångström",
    "",
    "x" * 200,
    "hmac-sha256:00ff",
]


def compile_inline(sql: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(DBT), "compile", "--profiles-dir", ".", "--target", "lint", "--quiet",
         "--target-path", "target/test_keys", "--log-path", str(tmp_path / "logs"),
         "--inline", sql],
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )  # fmt: skip


def reference_key(text: str, key: str) -> str:
    """RFC 2104 by the standard library, on the trimmed lower-cased text."""
    return hmac.new(key.encode(), text.strip(" ").lower().encode(), hashlib.sha256).hexdigest()


def test_the_samples_only_key_is_the_same_in_sql_and_python() -> None:
    found = re.search(
        r"samples_only_pii_hmac_key\(\).*?return\('([^']+)'\)", MACRO.read_text(), re.S
    )
    assert found is not None
    assert found.group(1) == keys.SAMPLES_ONLY_KEY
    assert keys.PURGED_PREFIX in MACRO.read_text()


def test_duckdb_sql_equals_python_hmac(tmp_path: Path) -> None:
    """(The samples-only key is checked by the staging unit tests, whose expected keys
    come from Python's hmac module.)"""
    key_text = OTHER_KEY
    values = ", ".join("'" + value.replace("'", "''") + "'" for value in INPUTS)
    sql = f"select v, {{{{ personal_data_key('v') }}}} as k from (select unnest([{values}]) as v)"
    env = {keys.KEY_ENV: key_text}
    result = compile_inline(sql, env, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    compiled = result.stdout.strip()
    assert key_text not in compiled  # only the padded key (xor 0x36/0x5c) is in the SQL
    rows = dict(duckdb.connect().execute(compiled).fetchall())
    key_bytes, _ = keys.hmac_key({keys.KEY_ENV: env[keys.KEY_ENV]})
    for value in INPUTS:
        expected = (
            value.removeprefix(keys.PURGED_PREFIX)
            if value.startswith(keys.PURGED_PREFIX)
            else reference_key(value, key_text)
        )
        assert rows[value] == expected == keys.personal_data_key(value, key_bytes), value
    # Trimming and case do not change the key; another key gives another hash.
    assert rows["jane.doe@example.com"] == rows["  Jane.Doe@Example.COM "]
    assert reference_key("jane.doe@example.com", "another-key-0123456") != rows[INPUTS[0]]


def test_a_purged_value_keeps_its_key() -> None:
    key, _ = keys.hmac_key({})
    purged = keys.purged_value(" Jane.Doe@Example.com", key)
    assert purged == keys.PURGED_PREFIX + reference_key(
        "jane.doe@example.com", keys.SAMPLES_ONLY_KEY
    )
    assert keys.personal_data_key(purged, key) == keys.personal_data_key(
        "jane.doe@example.com", key
    )


def test_production_needs_the_key(tmp_path: Path) -> None:
    with pytest.raises(keys.MissingKeyError):
        keys.hmac_key({"KPI_ENV": "production"})
    assert keys.hmac_key({"KPI_ENV": "production", keys.KEY_ENV: OTHER_KEY})[1] == "env"
    assert keys.hmac_key({}) == (keys.SAMPLES_ONLY_KEY.encode(), "samples-only")
    with pytest.raises(ValueError, match="16 to 64 bytes"):
        keys.hmac_key({keys.KEY_ENV: "short"})
    result = compile_inline(
        "select {{ personal_data_key(\"'a'\") }}",
        {"KPI_ENV": "production", keys.KEY_ENV: ""},
        tmp_path,
    )
    assert result.returncode != 0
    assert "KPI_ENV=production needs KPI_PII_HMAC_KEY" in result.stdout + result.stderr
