"""A PostgreSQL server to run the dbt project on: an existing one, or a throwaway cluster.

``throwaway_cluster()`` is what ``make test-engines`` uses: it finds PostgreSQL's server
programs (``initdb``, ``pg_ctl``; on PATH or under ``/usr/lib/postgresql/<version>/bin``),
installs Debian's ``postgresql`` package when they are missing, initialises a cluster in a
temporary folder, starts it on a free loopback port (no Unix socket outside that folder,
nothing on other interfaces), creates the database, and on exit stops the server and
deletes the folder. PostgreSQL refuses to run as root: as root, the cluster runs as the
``postgres`` system user (which the Debian package creates).

``python -m orchestration.engines.postgres install`` installs PostgreSQL when missing.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orchestration.system_packages import apt_install, can_install

SERVER_PROGRAMS = ("initdb", "pg_ctl", "postgres")
DEBIAN_BIN_DIRS = Path("/usr/lib/postgresql")
CLUSTER_USER = "postgres"
# A throwaway cluster keeps nothing: durability settings off make it start and build faster.
SERVER_SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "timezone": "UTC",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
}


class PostgresUnavailable(RuntimeError):
    """PostgreSQL is not installed and cannot be installed here."""


@dataclass(frozen=True)
class PostgresServer:
    """Where a server listens, in the terms of profiles.yml's ``postgres`` target."""

    host: str
    port: int
    user: str
    password: str
    database: str

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> PostgresServer:
        """The server the ``postgres`` target points at (same variables, same defaults)."""
        env = os.environ if environ is None else environ
        return cls(
            host=env.get("KPI_PG_HOST", "localhost"),
            port=int(env.get("KPI_PG_PORT", "5432")),
            user=env.get("KPI_PG_USER", "postgres"),
            password=env.get("KPI_PG_PASSWORD", ""),
            database=env.get("KPI_PG_DATABASE", "service_kpis"),
        )

    def dbt_env(self) -> dict[str, str]:
        """The environment variables profiles.yml's ``postgres`` target reads."""
        return {
            "KPI_PG_HOST": self.host,
            "KPI_PG_PORT": str(self.port),
            "KPI_PG_USER": self.user,
            "KPI_PG_PASSWORD": self.password,
            "KPI_PG_DATABASE": self.database,
        }

    def with_database(self, database: str) -> PostgresServer:
        """The same server, another database (created here; superuser only)."""
        admin = self.connect()
        try:
            admin.autocommit = True
            with admin.cursor() as cursor:
                cursor.execute(f'create database "{database}"')
        finally:
            admin.close()
        return PostgresServer(self.host, self.port, self.user, self.password, database)

    def connect(self, database: str | None = None) -> Any:
        """A psycopg2 connection (dependency group ``postgres``)."""
        import psycopg2

        return psycopg2.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password or None,
            dbname=database or self.database,
        )


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", path.parent.name)) or (0,)


def find_bin_dir() -> Path | None:
    """The folder holding initdb, pg_ctl and postgres: on PATH, else Debian's newest."""
    on_path = shutil.which("initdb")
    candidates = [Path(on_path).resolve().parent] if on_path else []
    candidates += sorted(DEBIAN_BIN_DIRS.glob("*/bin"), key=_version_key, reverse=True)
    for folder in candidates:
        if all((folder / program).is_file() for program in SERVER_PROGRAMS):
            return folder
    return None


def install() -> Path:
    """PostgreSQL's server programs, installed from Debian's ``postgresql`` package when
    missing. The package's own ``main`` cluster is not created (nothing starts at boot or
    stays running on port 5432)."""
    found = find_bin_dir()
    if found is not None:
        return found
    if not can_install():
        raise PostgresUnavailable(
            "PostgreSQL's initdb/pg_ctl were not found and cannot be installed here "
            "(needs root and apt-get): install PostgreSQL (Debian: `apt-get install postgresql`)"
        )
    print("Installing PostgreSQL from Debian's postgresql package", flush=True)
    apt_install("postgresql-common")
    config = Path("/etc/postgresql-common/createcluster.conf")
    if config.is_file():
        text = config.read_text()
        text = re.sub(r"(?m)^#?\s*create_main_cluster\s*=.*$", "create_main_cluster = false", text)
        if "create_main_cluster = false" not in text:
            text += "\ncreate_main_cluster = false\n"
        config.write_text(text)
    apt_install("postgresql", update=False)
    found = find_bin_dir()
    if found is None:
        raise PostgresUnavailable("the postgresql package installed no initdb/pg_ctl")
    return found


def free_port() -> int:
    """A TCP port nothing listens on at 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _cluster_user() -> str | None:
    """The OS user the server runs as: None (the current one) unless we are root."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(CLUSTER_USER)
    except KeyError:
        subprocess.run(
            [
                "useradd",
                "--system",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                CLUSTER_USER,
            ],
            check=True,
        )
    return CLUSTER_USER


def _as_user(user: str | None, command: list[str]) -> list[str]:
    return command if user is None else ["runuser", "-u", user, "--", *command]


def _run(command: list[str], what: str) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{what} failed ({result.returncode}): {result.stdout}{result.stderr}")


@contextlib.contextmanager
def throwaway_cluster(
    database: str = "service_kpis", user: str = "kpi"
) -> Iterator[PostgresServer]:
    """A fresh PostgreSQL server on 127.0.0.1:<free port> with an empty ``database``
    owned by superuser ``user`` (trust authentication, loopback only), stopped and
    deleted on exit."""
    bin_dir = install()
    os_user = _cluster_user()
    work = Path(tempfile.mkdtemp(prefix="kpi-postgres-"))
    data = work / "data"
    log = work / "server.log"
    started = False
    try:
        if os_user is not None:
            shutil.chown(work, user=os_user)
        _run(
            _as_user(
                os_user,
                [str(bin_dir / "initdb"), "-D", str(data), "-U", user, "--auth=trust",
                 "--encoding=UTF8", "--no-locale", "--no-sync"],
            ),
            "initdb",
        )  # fmt: skip
        port = 0
        for _attempt in range(3):
            port = free_port()
            options = " ".join(
                [f"-p {port}", f"-c unix_socket_directories={work}"]
                + [f"-c {name}={value}" for name, value in SERVER_SETTINGS.items()]
            )
            command = [str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60"]
            result = subprocess.run(
                _as_user(os_user, [*command, "-o", options, "start"]),
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode == 0:
                started = True
                break
        if not started:
            server_log = log.read_text() if log.exists() else ""
            raise RuntimeError(f"PostgreSQL did not start: {result.stderr}{server_log[-2000:]}")
        yield PostgresServer("127.0.0.1", port, user, "", "postgres").with_database(database)
    finally:
        if started:
            subprocess.run(
                _as_user(
                    os_user, [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]
                ),
                capture_output=True,
                check=False,
            )
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="orchestration.engines.postgres", description=__doc__)
    parser.add_argument("command", choices=["install"], help="install PostgreSQL when missing")
    parser.parse_args(argv)
    print(f"PostgreSQL server programs: {install()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
