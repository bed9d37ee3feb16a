"""A headless Chromium (Debian's `chromium` package) that renders a report offline: a PNG
screenshot and the DOM after its scripts ran, for the report tests and for a look by eye.

`python -m orchestration.reports.browser install` installs the package when it is missing
(root and apt-get, as `make test` runs in CI); `... screenshot <page.html>...` writes
`<page>.png` beside each page.

Every run gets a fresh profile folder and no network: the page is a local file, and the
proxy flags send any request Chromium itself would make to a closed port.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from orchestration.system_packages import apt_install, can_install

CANDIDATES = ("chromium", "chromium-browser")
WIDTH = 1280
HEIGHT = 4000
TIMEOUT_SECONDS = 120
# Enough virtual time for plotly to draw every chart of a 5 MB page before the capture.
VIRTUAL_TIME_MS = 15000


class ChromiumUnavailable(RuntimeError):
    pass


def find() -> Path | None:
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def install() -> Path:
    """Chromium from Debian's `chromium` package when missing."""
    found = find()
    if found:
        return found
    if not can_install():
        raise ChromiumUnavailable(
            "chromium was not found and cannot be installed here (needs root and apt-get): "
            "install it (Debian: `apt-get install chromium`)"
        )
    print("Installing Chromium from Debian's chromium package", flush=True)
    apt_install("chromium")
    found = find()
    if found is None:
        raise ChromiumUnavailable("apt-get installed chromium but it is not on PATH")
    return found


def _run(page: Path, *mode: str, height: int = HEIGHT) -> subprocess.CompletedProcess:
    binary = find()
    if binary is None:
        raise ChromiumUnavailable("chromium is not installed: `make setup-chromium`")
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        command = [
            str(binary),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--disable-dev-shm-usage",
            # No network: every request other than the local file goes to a closed port.
            "--proxy-server=127.0.0.1:9",
            "--proxy-bypass-list=<-loopback>",
            f"--user-data-dir={profile}",
            f"--window-size={WIDTH},{height}",
            f"--virtual-time-budget={VIRTUAL_TIME_MS}",
            "--hide-scrollbars",
            *mode,
            page.resolve().as_uri(),
        ]
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
        )
    if result.returncode != 0:
        raise ChromiumUnavailable(
            f"chromium failed ({result.returncode}) on {page}: {result.stderr[-2000:]}"
        )
    return result


def screenshot(page: Path, png: Path | None = None, height: int = HEIGHT) -> Path:
    """Render `page` in a window `height` pixels tall and save a PNG (default: beside the
    page); what lies below the window is not in the picture."""
    target = png or page.with_suffix(".png")
    target.unlink(missing_ok=True)
    _run(page, f"--screenshot={target.resolve()}", height=height)
    if not target.is_file():
        raise ChromiumUnavailable(f"chromium wrote no screenshot for {page}")
    return target


def dump_dom(page: Path) -> str:
    """The DOM after the page's scripts ran (charts drawn), as HTML."""
    return _run(page, "--dump-dom").stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="orchestration.reports.browser", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("install", help="install Chromium when missing")
    shots = commands.add_parser("screenshot", help="write <page>.png beside each page")
    shots.add_argument("pages", nargs="+", type=Path)
    shots.add_argument("--height", type=int, default=HEIGHT, help="window height in pixels")
    args = parser.parse_args(argv)
    if args.command == "install":
        print(f"Chromium: {install()}")
        return 0
    for page in args.pages:
        print(screenshot(page, height=args.height))
    return 0


if __name__ == "__main__":
    sys.exit(main())
