"""Write a deterministic sample landing folder.

    python -m orchestration.samples.generate --out data/landing [--seed 42] [--scale 1.0]

The same seed and scale give byte-identical files. Each tool draws from its own
`random.Random` derived from the seed, so adding a tool later leaves the files of the
existing tools unchanged. Files are written (overwritten if present), never deleted.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

from orchestration.samples.catalog import write_catalog
from orchestration.samples.pagerduty import write_pagerduty
from orchestration.samples.world import build_world


def _rng(seed: int, part: str) -> random.Random:
    # str seeds are hashed with SHA-512 by random.Random: stable across runs and platforms
    return random.Random(f"{part}:{seed}")


def generate(out_dir: Path, seed: int = 42, scale: float = 1.0) -> dict[str, int]:
    """Write the sample exports under `out_dir`; return the records written per folder.

    About 250 PagerDuty incidents per unit of `scale` (linear; 0.1 and 100 both work).
    """
    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    out_dir = Path(out_dir)
    world = build_world(_rng(seed, "world"), scale=scale)
    counts: dict[str, int] = {}
    counts.update(write_catalog(world, out_dir))
    counts.update(write_pagerduty(world, out_dir, _rng(seed, "pagerduty"), scale=scale))
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m orchestration.samples.generate",
        description="Write deterministic sample tool exports into a landing folder.",
    )
    parser.add_argument("--out", type=Path, required=True, help="landing folder to write")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = ~250 incidents")
    args = parser.parse_args(argv)
    if args.scale <= 0:
        parser.error("--scale must be positive")

    started = time.perf_counter()
    counts = generate(args.out, seed=args.seed, scale=args.scale)
    elapsed = time.perf_counter() - started
    for folder, records in sorted(counts.items()):
        files = sum(1 for path in (args.out / folder).iterdir() if path.is_file())
        print(f"{folder:<24} {records:>9,} records {files:>6,} files")
    print(f"wrote {args.out} (seed {args.seed}, scale {args.scale:g}) in {elapsed:.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
