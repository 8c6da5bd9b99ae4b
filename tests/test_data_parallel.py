"""Data-parallel training (issue 16): two processes under torchrun on the CPU (gloo) train together,
rank 0 alone writes the run, and --resume continues it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import tiny_config

REPO = Path(__file__).parent.parent


def torchrun(*args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2",
               "-m", "newsstance.cli", *args]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=600)


def test_two_cpu_processes_train_checkpoint_once_and_resume(data_root, tmp_path):
    config = tiny_config(data_root, tmp_path / "run", "training.threads=1", "training.max_steps=6",
                         "training.eval_every=3", "training.device=cpu")
    path = tmp_path / "config.yaml"
    path.write_text(config.to_yaml(), encoding="utf-8")
    first = torchrun("train", str(path))
    assert first.returncode == 0, first.stderr[-3000:]
    assert "rank 0 of 2" in first.stderr and "rank 1 of 2" in first.stderr
    run = tmp_path / "run"
    steps = [json.loads(line)["step"] for line in (run / "metrics.jsonl").read_text().splitlines()]
    assert steps == [3, 6]  # one writer: no evaluation logged twice
    assert (run / "best" / "model.safetensors").is_file() and (run / "checkpoint" / "state.json").is_file()
    assert not list(run.glob("*.tmp")) and first.stdout.count("best step") == 1  # one report, from rank 0
    again = torchrun("train", str(path), "--set", "training.max_steps=9", "--resume")
    assert again.returncode == 0, again.stderr[-3000:]
    assert "resumed at step 6" in again.stderr
    steps = [json.loads(line)["step"] for line in (run / "metrics.jsonl").read_text().splitlines()]
    assert steps == [3, 6, 9]
