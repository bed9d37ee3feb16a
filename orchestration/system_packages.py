"""Debian packages the test targets install when a program is missing (PostgreSQL for
`make test-engines`, Java 17 for its Spark part, Chromium for the report tests): as root
with apt-get, non-interactively, without recommended packages."""

from __future__ import annotations

import os
import shutil
import subprocess


def can_install() -> bool:
    """Root with apt-get on PATH: the only way these targets install a package."""
    return os.geteuid() == 0 and shutil.which("apt-get") is not None


def apt_install(*packages: str, update: bool = True) -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if update:
        subprocess.run(["apt-get", "-q", "update"], check=True, env=env)
    subprocess.run(
        [
            "apt-get",
            "-q",
            "-y",
            "-o",
            "Dpkg::Options::=--force-confold",
            "install",
            "--no-install-recommends",
            *packages,
        ],
        check=True,
        env=env,
    )
