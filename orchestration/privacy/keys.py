"""The personal-data key in Python, identical to dbt's `personal_data_key` macro.

HMAC-SHA256 (RFC 2104) of the trimmed (spaces), lower-cased text, as 64 hex digits, with
the key from ``KPI_PII_HMAC_KEY``. Without it the samples-only key is used (it is in the
repository, so it protects nothing: for the generated samples only); with
``KPI_ENV=production`` a missing key is an error. The retention purge writes
``hmac-sha256:<key>`` over a personal value; the macro passes such a value through, so
every table built from raw keeps the same keys after a purge.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping

KEY_ENV = "KPI_PII_HMAC_KEY"
# Also in macros/privacy/personal_data_key.sql (samples_only_pii_hmac_key); a test checks.
SAMPLES_ONLY_KEY = "samples-only-key-not-a-secret"
PURGED_PREFIX = "hmac-sha256:"
MIN_KEY_BYTES, MAX_KEY_BYTES = 16, 64


class MissingKeyError(RuntimeError):
    """KPI_ENV=production without KPI_PII_HMAC_KEY."""


def hmac_key(environ: Mapping[str, str] | None = None) -> tuple[bytes, str]:
    """The key as bytes, and where it came from (``env`` or ``samples-only``)."""
    env = os.environ if environ is None else environ
    text = env.get(KEY_ENV, "")
    source = "env"
    if not text:
        if env.get("KPI_ENV", "dev") == "production":
            raise MissingKeyError(f"KPI_ENV=production needs {KEY_ENV} (the personal-data key)")
        text, source = SAMPLES_ONLY_KEY, "samples-only"
    key = text.encode("utf-8")
    if not MIN_KEY_BYTES <= len(key) <= MAX_KEY_BYTES:
        raise ValueError(f"{KEY_ENV} must be {MIN_KEY_BYTES} to {MAX_KEY_BYTES} bytes of UTF-8")
    return key, source


def personal_data_key(value: str, key: bytes) -> str:
    """What staging shows for ``value``: a purged value's key, else the HMAC."""
    if value.startswith(PURGED_PREFIX):
        return value[len(PURGED_PREFIX) :]
    normalised = value.strip(" ").lower().encode("utf-8")
    return hmac.new(key, normalised, hashlib.sha256).hexdigest()


def purged_value(value: str, key: bytes) -> str:
    """What the purge writes over a personal value."""
    return PURGED_PREFIX + personal_data_key(value, key)


def is_purged(value: str) -> bool:
    return value.startswith(PURGED_PREFIX)
