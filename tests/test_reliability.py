"""Issue 6: bad input gets a clear error, interrupted work is never lost, nothing calls home."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from conftest import TINY_CONFIG, copy_model, tiny_config
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import newsstance
from newsstance.errors import ModelLoadError, NewsstanceError
from newsstance.train.loop import fit

REPO = Path(__file__).parent.parent
CLI = [sys.executable, "-m", "newsstance.cli"]


def run_cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    return subprocess.run([*CLI, *args], input=stdin, capture_output=True, env=env, cwd=REPO, timeout=300)


# --- text inputs ---------------------------------------------------------------------------------
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(max_size=300), max_size=6))
def test_any_list_of_strings_gives_valid_probabilities(tiny_model, texts):
    proba = tiny_model.predict_proba(texts)
    assert proba.shape == (len(texts), 3)
    assert np.isfinite(proba).all() and np.allclose(proba.sum(1) if len(texts) else 1.0, 1.0, atol=1e-4)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=2000))
def test_analyze_offsets_always_index_the_article(tiny_model, article):
    for r in tiny_model.analyze(article):
        assert 0 <= r["start"] < r["end"] <= len(article)
        assert r["text"].strip() and r["text"] == r["text"].strip()
        # Control characters are blanked one-for-one, so offsets stay exact for all other text.
        assert len(article[r["start"] : r["end"]]) == len(r["text"])


def test_very_long_article(tiny_model):
    article = " ".join(f"The senator said on day {i} that the vote would pass." for i in range(2500))
    assert len(article) > 100_000
    results = tiny_model.analyze(article)
    assert len(results) == 2500 and results[-1]["end"] <= len(article)


def test_html_is_reduced_to_text(tmp_path, trained):
    page = tmp_path / "page.html"
    page.write_text("<html><head><script>var x = 1;</script></head><body><p>Iran denies selling drones.</p>"
                    "<p>The ministry said so.</p></body></html>", encoding="utf-8")
    out = run_cli("predict", str(page), "--model", str(trained.run_dir / "best"))
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert [r["text"] for r in rows] == ["Iran denies selling drones.", "The ministry said so."]
    # Offsets index the extracted text, which the rows say and `newsstance text` prints.
    extracted = run_cli("text", str(page)).stdout.decode()
    assert all(r["offsets_into"] == "extracted_text" for r in rows)
    assert all(extracted[r["start"] : r["end"]] == r["text"] for r in rows)


def test_a_closed_pipe_ends_predict_quietly(tmp_path, trained):
    article = tmp_path / "long.txt"
    article.write_text(" ".join(f"The ministry said on day {i} that it would respond." for i in range(3000)))
    shell = f"{' '.join(CLI)} predict {article} --model {trained.run_dir / 'best'} --format table | head -n 2"
    out = subprocess.run(["bash", "-c", f"set -o pipefail; {shell}"], capture_output=True, cwd=REPO, timeout=300,
                         env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert len(out.stdout.decode().splitlines()) == 2
    assert out.returncode == 141 and "Traceback" not in out.stderr.decode() and "Error" not in out.stderr.decode()


def test_table_marks_a_cut_source_with_an_ellipsis(capsys):
    from newsstance.predict_cli import _print_table

    row = {"text": "x", "label": "attribution", "scores": {"attribution": 0.9},
           "source": {"text": "The Ukrainian National Resistance Center"}, "cue": {"text": "said"}}
    _print_table([row], colour=False)
    assert "The Ukrainian Nationa\u2026" in capsys.readouterr().out


def test_version_flag():
    out = run_cli("--version")
    assert out.returncode == 0 and out.stdout.decode().strip() == f"newsstance {newsstance.__version__}"


def test_invalid_utf8_file_is_one_readable_line_and_nonzero_exit(tmp_path, trained):
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("Le ministre a démenti.".encode("latin-1"))
    out = run_cli("predict", str(bad), "--model", str(trained.run_dir / "best"))
    assert out.returncode == 2
    err = out.stderr.decode().strip().splitlines()
    assert len(err) == 1 and "latin1.txt: not UTF-8" in err[0] and "Traceback" not in out.stderr.decode()


def test_empty_input_and_missing_file_are_clear(tmp_path, trained):
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n")
    out = run_cli("predict", str(empty), "--model", str(trained.run_dir / "best"))
    assert out.returncode == 2 and "holds no text" in out.stderr.decode()
    out = run_cli("predict", str(tmp_path / "missing.txt"), "--model", str(trained.run_dir / "best"))
    assert out.returncode == 2 and "missing.txt: cannot read" in out.stderr.decode()


def test_several_articles_in_one_call_and_a_bad_one_does_not_lose_the_rest(tmp_path, trained):
    first, bad, second = tmp_path / "a.txt", tmp_path / "bad.txt", tmp_path / "b.txt"
    first.write_text("Iran denies selling drones. The ministry said so.", encoding="utf-8")
    bad.write_bytes(b"\xff\xfe broken")
    second.write_text("Crimea was annexed in 2014.", encoding="utf-8")
    out = run_cli("predict", str(first), str(bad), str(second), "--model", str(trained.run_dir / "best"))
    rows = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert [(r["file"], r["text"]) for r in rows] == [
        (str(first), "Iran denies selling drones."), (str(first), "The ministry said so."),
        (str(second), "Crimea was annexed in 2014.")]
    err = out.stderr.decode()
    assert out.returncode == 2 and "bad.txt: not UTF-8" in err and "1 of 3 inputs" in err and "Traceback" not in err


def test_malformed_jsonl_input_names_line(tmp_path, trained):
    bad = tmp_path / "s.jsonl"
    bad.write_text('{"text": "Fine."}\n{"txt": "typo"}\n')
    out = run_cli("predict", "--jsonl", str(bad), "--model", str(trained.run_dir / "best"))
    assert out.returncode == 2 and "s.jsonl, line 2, field 'text': missing field" in out.stderr.decode()


# --- configs and outputs -------------------------------------------------------------------------
def test_config_with_unknown_key_fails_before_any_work(tmp_path):
    cfg = tmp_path / "c.yaml"
    cfg.write_text(TINY_CONFIG.read_text().replace("patience:", "patiense:"))
    started = time.perf_counter()
    out = run_cli("train", str(cfg), "--set", f"training.output_dir={tmp_path / 'run'}")
    assert out.returncode == 2 and "unknown key 'training.patiense'" in out.stderr.decode()
    assert not (tmp_path / "run").exists() and time.perf_counter() - started < 60


def test_unwritable_output_dir_fails_early(data_root, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    with pytest.raises(NewsstanceError, match="not writable"):
        fit(tiny_config(data_root, blocker / "run"))


def test_full_disk_fails_early(data_root, tmp_path, monkeypatch):
    import shutil
    from collections import namedtuple

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(10**9, 10**9 - 1024, 1024))
    with pytest.raises(NewsstanceError, match="MiB free"):
        fit(tiny_config(data_root, tmp_path / "run"))


# --- loading -------------------------------------------------------------------------------------
def test_truncated_weights_are_a_clear_error(trained, tmp_path):
    model_dir = copy_model(trained.run_dir / "best", tmp_path / "m")
    weights = model_dir / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:100])
    with pytest.raises(ModelLoadError, match="corrupt or truncated"):
        newsstance.load(model_dir)


def test_missing_or_corrupt_config_is_a_clear_error(trained, tmp_path):
    model_dir = copy_model(trained.run_dir / "best", tmp_path / "m")
    (model_dir / "config.json").write_text("{not json")
    with pytest.raises(ModelLoadError, match="config.json: corrupt"):
        newsstance.load(model_dir)
    (model_dir / "config.json").unlink()
    with pytest.raises(ModelLoadError, match="not a newsstance model"):
        newsstance.load(model_dir)
    with pytest.raises(ModelLoadError, match="no such model directory"):
        newsstance.load(tmp_path / "nowhere")


@pytest.mark.parametrize(("key", "value", "message"), [
    ("span_peaks", {"cue": 1.5}, "span_peaks.cue must be a number in"),
    ("span_thresholds", {"speaker": 0.3}, "span_thresholds must map source and/or cue"),
    ("temperature", 0, "temperature must be a positive number"),
])
def test_a_stored_decoding_choice_out_of_range_is_a_clear_error(trained, tmp_path, key, value, message):
    # A cut-off of 1.5 would not fail on its own: the model would return no span of that kind, silently.
    model_dir = copy_model(trained.run_dir / "best", tmp_path / "m", {key: value})
    with pytest.raises(ModelLoadError, match=message):
        newsstance.load(model_dir, precision="fp32")


def test_openvino_path_works_with_a_read_only_cache_and_stays_close_to_fp32(trained, tmp_path, monkeypatch,
                                                                         caplog):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("NEWSSTANCE_CACHE", str(blocker / "cache"))  # cannot be created: a file is in the way
    texts = ["Iran denies selling drones.", "The ministry said it would respond.", "Rain fell."]
    fast = newsstance.load(trained.run_dir / "best", precision="openvino-int8").predict_proba(texts)
    assert "cannot write the OpenVINO cache" in caplog.text
    exact = newsstance.load(trained.run_dir / "best", precision="fp32").predict_proba(texts)
    assert np.allclose(fast, exact, atol=0.05)


def test_no_pickle_and_no_remote_code_in_the_package():
    sources = "\n".join(p.read_text() for p in (REPO / "newsstance").rglob("*.py"))
    for forbidden in ("import pickle", "torch.load(", "trust_remote_code=True", "yaml.load("):
        assert forbidden not in sources


def test_nothing_opens_a_network_connection(data_root, tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a network socket was opened")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    result = fit(tiny_config(data_root, tmp_path / "run"))
    model = newsstance.load(result.run_dir / "best")
    model.analyze("Iran denies selling drones. The ministry said so.")
    from newsstance.cli import main

    assert main(["eval", "--model", str(result.run_dir / "best"), "--data", "gold:gold/dev.jsonl",
                 "--data-root", str(data_root), "--out", str(tmp_path / "report")]) == 0


# --- concurrency ---------------------------------------------------------------------------------
def test_threads_give_the_same_results_as_serial_use(tiny_model):
    texts = [f"Officials said on day {i} that talks were {'not ' * (i % 3)}over." for i in range(64)]
    chunks = [texts[i : i + 8] for i in range(0, 64, 8)]
    serial = [tiny_model.predict_proba(c) for c in chunks]
    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(tiny_model.predict_proba, chunks))
    for a, b in zip(serial, parallel, strict=True):
        assert np.allclose(a, b, atol=1e-6)


# --- interrupted training ------------------------------------------------------------------------
def _train_subprocess(cfg: Path, out: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    return subprocess.Popen([*CLI, "train", str(cfg), "--set", f"training.output_dir={out}", *extra],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=REPO)


def _metrics(run: Path) -> list[dict]:
    return [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]


def test_sigkill_mid_training_then_resume_matches_an_uninterrupted_run(data_root, tmp_path):
    # 80 steps: on a fast machine the tiny run finished 40 steps inside the wait below (a flaky kill).
    config = tiny_config(data_root, tmp_path / "unused", "training.max_steps=80", "training.eval_every=5",
                         "training.baseline=false", "training.patience=100")
    cfg = tmp_path / "c.yaml"
    cfg.write_text(config.to_yaml())
    full = _train_subprocess(cfg, tmp_path / "full")
    assert full.wait(timeout=600) == 0, full.stderr.read().decode()
    killed = _train_subprocess(cfg, tmp_path / "killed")
    deadline = time.time() + 300
    while not (tmp_path / "killed" / "checkpoint" / "state.json").exists():
        assert time.time() < deadline and killed.poll() is None, "training ended before its first checkpoint"
        time.sleep(0.05)
    time.sleep(0.05)  # land somewhere between checkpoints
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    done = len(_metrics(tmp_path / "killed"))
    assert done < 16, "the run finished before it could be interrupted"
    resumed = _train_subprocess(cfg, tmp_path / "killed", "--resume")
    assert resumed.wait(timeout=600) == 0, resumed.stderr.read().decode()
    a, b = _metrics(tmp_path / "full"), _metrics(tmp_path / "killed")
    assert [m["step"] for m in b] == [m["step"] for m in a] == list(range(5, 85, 5))
    # Same batches, same RNG states, same weights: equal to float tolerance.
    assert [m["train_loss"] for m in b] == pytest.approx([m["train_loss"] for m in a], rel=1e-4)
    assert [m["dev_macro_f1"] for m in b] == pytest.approx([m["dev_macro_f1"] for m in a], abs=1e-6)


def test_import_and_load_open_no_socket(trained):
    """In a fresh interpreter whose socket module refuses to connect before newsstance is imported."""
    code = (
        "import socket\n"
        "def refuse(*a, **k): raise SystemExit('a network socket was opened')\n"
        "socket.socket.connect = refuse; socket.create_connection = refuse; socket.getaddrinfo = refuse\n"
        "import newsstance\n"
        f"m = newsstance.load({str(trained.run_dir / 'best')!r})\n"
        "print(m.predict(['Iran denies selling drones.']))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                         env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().startswith("['")
