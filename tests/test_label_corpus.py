"""`newsstance label` (issue 16): every input kind, bad articles recorded, a real SIGKILL then resume,
and the Ray engine on a local 2-worker cluster giving the local engine's rows."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq

from newsstance.cli import main

REPO = Path(__file__).parent.parent
ARTICLES = [f"Official {i} denies the report about the dam. \"It is false,\" she said on day {i}. "
            f"Rain fell in the north." for i in range(12)]


def write_folder(path: Path) -> Path:
    path.mkdir()
    for i, text in enumerate(ARTICLES):
        (path / f"a{i:02d}.txt").write_text(text, encoding="utf-8")
    (path / "bad.txt").write_bytes(b"\xff\xfe not utf-8")
    (path / "empty.html").write_text("<html><body>  </body></html>", encoding="utf-8")
    return path


def table(out: Path):
    return pq.read_table(sorted((out / "shards").glob("*.parquet"))).to_pylist()


def label(*args: str) -> int:
    return main(["label", *args])


def test_a_folder_is_labelled_with_bad_articles_recorded(trained, tmp_path):
    out = tmp_path / "out"
    assert label(str(write_folder(tmp_path / "in")), "--out", str(out), "--model", str(trained.run_dir / "best"),
                 "--shard-size", "5") == 0
    rows = table(out)
    assert {r["article_id"] for r in rows} == {f"a{i:02d}" for i in range(12)}
    assert [r["sentence"] for r in rows if r["article_id"] == "a00"] == [0, 1, 2]
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text().splitlines()]
    assert {e["article_id"] for e in errors} == {"bad", "empty"}
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["counts"]["articles_failed"] == 2
    assert manifest["counts"]["sentences"] == len(rows) == 36 and manifest["input_kind"] == "folder"


def test_jsonl_parquet_and_saved_datasets_give_the_same_rows(trained, tmp_path):
    import datasets

    model = ["--model", str(trained.run_dir / "best")]
    records = [{"doc": f"d{i}", "body": t} for i, t in enumerate(ARTICLES[:4])]
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in records) + "{not json\n", encoding="utf-8")
    datasets.Dataset.from_list(records).to_parquet(str(tmp_path / "a.parquet"))
    datasets.Dataset.from_list(records).save_to_disk(str(tmp_path / "saved"))
    results = []
    for name in ("a.jsonl", "a.parquet", "saved"):
        out = tmp_path / f"out-{name}"
        assert label(str(tmp_path / name), "--out", str(out), "--id-column", "doc", "--text-column", "body",
                     *model) == 0
        results.append(table(out))
    assert results[0] == results[1] == results[2] and {r["article_id"] for r in results[0]} == {"d0", "d1", "d2", "d3"}
    assert "line 5" in (tmp_path / "out-a.jsonl" / "errors.jsonl").read_text()


def test_another_input_in_the_same_output_folder_is_refused(trained, tmp_path):
    out = tmp_path / "out"
    model = ["--model", str(trained.run_dir / "best")]
    assert label(str(write_folder(tmp_path / "in")), "--out", str(out), *model) == 0
    other = tmp_path / "other"
    other.mkdir()
    (other / "x.txt").write_text("Iran denies it.")
    assert label(str(other), "--out", str(out), *model) == 2


def test_sigkill_then_the_same_command_gives_an_uninterrupted_runs_output(trained, tmp_path):
    folder = write_folder(tmp_path / "in")
    command = [sys.executable, "-m", "newsstance.cli", "label", str(folder), "--model", str(trained.run_dir / "best"),
               "--shard-size", "1"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    whole = tmp_path / "whole"
    subprocess.run([*command, "--out", str(whole)], check=True, env=env, cwd=REPO, capture_output=True, timeout=300)
    cut = tmp_path / "cut"
    process = subprocess.Popen([*command, "--out", str(cut)], env=env, cwd=REPO, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while len(list((cut / "shards").glob("*.parquet"))) < 3:
        assert time.monotonic() < deadline and process.poll() is None, "the run ended before it could be killed"
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    done = len(list((cut / "shards").glob("*.parquet")))
    assert 3 <= done < 14 and json.loads((cut / "manifest.json").read_text())["status"] == "running"
    subprocess.run([*command, "--out", str(cut)], check=True, env=env, cwd=REPO, capture_output=True, timeout=300)
    assert table(cut) == table(whole)
    assert (cut / "errors.jsonl").read_text() == (whole / "errors.jsonl").read_text()


def test_ray_on_a_local_two_worker_cluster_gives_the_local_rows(trained, tmp_path):
    folder = write_folder(tmp_path / "in")
    model = ["--model", str(trained.run_dir / "best"), "--shard-size", "4"]
    assert label(str(folder), "--out", str(tmp_path / "local"), *model) == 0
    assert label(str(folder), "--out", str(tmp_path / "ray"), "--engine", "ray", "--workers", "2", *model) == 0
    local, ray = table(tmp_path / "local"), table(tmp_path / "ray")
    scores = ("p_claim", "p_denial", "p_attribution")
    assert [{k: v for k, v in r.items() if k not in scores} for r in ray] == \
           [{k: v for k, v in r.items() if k not in scores} for r in local]
    assert all(abs(a[k] - b[k]) < 1e-5 for a, b in zip(ray, local, strict=True) for k in scores)
    assert (tmp_path / "ray" / "errors.jsonl").read_text() == (tmp_path / "local" / "errors.jsonl").read_text()
