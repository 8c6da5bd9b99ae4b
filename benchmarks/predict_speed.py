"""Prediction speed: newsstance batch prediction vs. a Hugging Face text-classification pipeline.

Same 2,000 news sentences (PolNeAR dev), same weights, one process. The pipeline gets the network
wrapped as a transformers PreTrainedModel and runs with its default settings (one sentence at a
time, sentence alone); newsstance runs its own path (length-sorted dynamic batches, context from the
neighbouring sentences when the model uses it) at each precision.

  python benchmarks/predict_speed.py [--model PATH|NAME ...] [--data-root ../shared/data] [--n 2000]
Prints sentences/s for each, their ratio, peak RSS, and the warm `import newsstance; load()` time.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

import torch  # noqa: E402

import newsstance  # noqa: E402
import newsstance.model.precision  # noqa: E402
from newsstance.data.corpora import default_data_root, load_spec  # noqa: E402
from newsstance.data.records import model_inputs  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_time(model: str | None) -> float:
    """Warm load: a fresh interpreter (files already in the page cache from this run)."""
    arg = "" if model is None else repr(model)
    code = ("import time; t=time.perf_counter(); import newsstance; "
            f"newsstance.load({arg}); print(time.perf_counter()-t)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "HF_HUB_OFFLINE": "1"})
    return float(out.stdout.strip().splitlines()[-1])


def _sentences(data_root, n):
    records = [r for r in load_spec("polnear:polnear/dev", data_root) if r.label != "skip"][:n]
    return model_inputs(records)


def _write_sentences(data_root, n) -> str:
    """The sentences as a JSON file for the children: reading them there would charge each path for
    the corpus reader's imports (the cached corpora come through `datasets` and pyarrow, ~100 MB)."""
    fd, path = tempfile.mkstemp(suffix=".json", prefix="newsstance-bench-")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(_sentences(data_root, n), f)
    atexit.register(os.unlink, path)
    return path


def _read_sentences(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def measure_newsstance(model_path, precision, sentences, threads) -> None:
    """One path in this process: prints sentences/s and this process's peak RSS as JSON."""
    torch.set_num_threads(threads)
    texts, before, after, lede = _read_sentences(sentences)
    model = newsstance.load(model_path, precision=precision)
    model.predict_proba(texts[:64], before[:64], after[:64], lede[:64])  # warm-up
    start = time.perf_counter()
    model.predict_proba(texts, before, after, lede)
    print(json.dumps({"rate": len(texts) / (time.perf_counter() - start), "rss": peak_rss_mb()}))


def measure_pipeline(model_path, sentences, threads) -> None:
    # Imported here, not at the top: transformers adds ~150 MB to a process, and newsstance's own
    # children must not be charged for it (newsstance does not import transformers to predict).
    from hf_pipeline import PipelineWrapper
    from transformers import AutoTokenizer, pipeline

    from newsstance.data.labels import head_labels

    torch.set_num_threads(threads)
    texts, *_ = _read_sentences(sentences)
    fp32 = newsstance.load(model_path, precision="fp32")
    clf = pipeline("text-classification", model=PipelineWrapper(fp32.network, head_labels(fp32.predicts_skip)),
                   tokenizer=AutoTokenizer.from_pretrained(fp32.path), device="cpu")
    clf(texts[:8])
    start = time.perf_counter()
    clf(texts)
    print(json.dumps({"rate": len(texts) / (time.perf_counter() - start), "rss": peak_rss_mb()}))


def _child(*args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True,
                         env={**os.environ, "HF_HUB_OFFLINE": "1"})
    if out.returncode != 0:
        raise SystemExit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_model(model: str | None, sentences: str, args) -> None:
    """Every requested precision of one model, then the pipeline on the same weights, each in its own process."""
    common = ["--sentences", sentences, "--threads", str(args.threads)] + (["--model", model] if model else [])
    print(f"\n== model {model or 'default'}\nwarm import + load: {load_time(model):.2f} s")
    results = {}
    for precision in args.precisions.split(","):
        results[precision] = _child("--child", "newsstance", "--precision", precision, *common)
        print(f"newsstance {precision:9s}: {results[precision]['rate']:8.1f} sentences/s   "
              f"peak RSS {results[precision]['rss']:.0f} MB")
    if args.no_pipeline:
        return
    hf = _child("--child", "pipeline", *common)
    print(f"HF pipeline (defaults, fp32): {hf['rate']:8.1f} sentences/s   peak RSS {hf['rss']:.0f} MB")
    default = newsstance.model.precision.DEFAULT_PRECISION
    if default in results:
        print(f"ratio newsstance {default} (default path) / pipeline: {results[default]['rate'] / hf['rate']:.1f}x")
    best = max(results, key=lambda k: results[k]["rate"])
    print(f"ratio newsstance {best} (fastest) / pipeline: {results[best]['rate'] / hf['rate']:.1f}x")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", action="append", default=None,
                    help="model directory or shipped name; repeat to compare models in one run "
                         "(default: the default model)")
    ap.add_argument("--data-root", default=None)
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--precisions", default=",".join(newsstance.model.precision.PRECISIONS))
    ap.add_argument("--no-pipeline", action="store_true", help="skip the transformers pipeline comparison")
    ap.add_argument("--child", choices=["newsstance", "pipeline"], help=argparse.SUPPRESS)
    ap.add_argument("--precision", help=argparse.SUPPRESS)
    ap.add_argument("--sentences", help=argparse.SUPPRESS)
    args = ap.parse_args()
    root = args.data_root or str(default_data_root())
    model = args.model[0] if args.model else None
    if args.child == "newsstance":
        return measure_newsstance(model, args.precision, args.sentences, args.threads)
    if args.child == "pipeline":
        return measure_pipeline(model, args.sentences, args.threads)
    sentences = _write_sentences(root, args.n)
    texts, *_ = _read_sentences(sentences)
    print(f"{len(texts)} sentences from PolNeAR dev, mean {sum(map(len, texts)) / len(texts):.0f} characters; "
          f"{args.threads} threads; each path in its own process")
    for model in args.model or [None]:
        bench_model(model, sentences, args)


if __name__ == "__main__":
    main()
