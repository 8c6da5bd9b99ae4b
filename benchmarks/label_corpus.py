"""Corpus labelling throughput: the local engine against Ray Data with 1 and 2 workers, same input.

  python benchmarks/label_corpus.py [--data-root ../shared/data] [--articles 300] [--model PATH]

The input is the first N FNC-1 train bodies as a JSONL file; each engine labels it into a fresh
output folder with `newsstance label` in its own process. Printed: wall time (process start to exit,
so Ray's cluster start and each worker's model load are included), articles/s and sentences/s, and the
same rate after subtracting the time to first shard (start-up), which is what a long job sees.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def write_input(data_root: Path, n: int, path: Path) -> None:
    csv.field_size_limit(sys.maxsize)
    with (data_root / "fnc1" / "train_bodies.csv").open(encoding="utf-8", newline="") as f:
        rows = list(itertools.islice(csv.DictReader(f), n))
    path.write_text("".join(json.dumps({"id": r["Body ID"], "text": r["articleBody"]}) + "\n" for r in rows))


def run(engine: list[str], source: Path, out: Path, model: str | None) -> dict:
    command = [sys.executable, "-m", "newsstance.cli", "label", str(source), "--out", str(out), "--shard-size", "25",
               *engine, *(["--model", model] if model else [])]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env={**os.environ, "HF_HUB_OFFLINE": "1"})
    first = None
    while process.poll() is None:
        if first is None and any((out / "shards").glob("*.parquet")):
            first = time.perf_counter() - start
        time.sleep(0.05)
    wall = time.perf_counter() - start
    if process.returncode != 0:
        raise SystemExit(process.stderr.read().decode()[-3000:])
    manifest = json.loads((out / "manifest.json").read_text())
    return {"wall": wall, "first_shard": first or wall, "articles": manifest["articles"],
            "sentences": manifest["counts"]["sentences"], "shards": -(-manifest["articles"] // 25)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-root", type=Path, default=Path(os.environ.get("NEWSSTANCE_DATA_ROOT", "../shared/data")))
    ap.add_argument("--articles", type=int, default=300)
    ap.add_argument("--model", default=None)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsstance-label-bench-") as tmp:
        source = Path(tmp) / "articles.jsonl"
        write_input(args.data_root.resolve(), args.articles, source)
        print(f"{args.articles} FNC-1 train bodies, shards of 25; {os.cpu_count()} CPU cores")
        print(f"{'engine':22s} {'wall s':>7s} {'articles/s':>11s} {'sentences/s':>12s} {'start-up s':>10s} "
              f"{'articles/s after start-up':>26s}")
        for name, engine in (("local", []), ("ray, 1 worker", ["--engine", "ray", "--workers", "1"]),
                             ("ray, 2 workers", ["--engine", "ray", "--workers", "2"])):
            r = run(engine, source, Path(tmp) / name.replace(" ", "").replace(",", "-"), args.model)
            steady = r["articles"] * (r["shards"] - 1) / r["shards"] / max(r["wall"] - r["first_shard"], 1e-9)
            print(f"{name:22s} {r['wall']:7.1f} {r['articles'] / r['wall']:11.1f} {r['sentences'] / r['wall']:12.0f} "
                  f"{r['first_shard']:10.1f} {steady:26.1f}")


if __name__ == "__main__":
    main()
