"""The Ray engine of `newsstance label --engine ray`: Ray Data maps the articles over an actor pool,
each actor loading the model once, on an existing cluster (`--address`) or a local one started for
the run. Shards, manifest and errors are those of the local engine (label/job.py), so a job can be
resumed by either engine and the rows are the same.

The driver reads the input and hands the articles to the cluster in groups of shards (their text goes
through Ray's object store, so workers need no access to the input's file system), and writes each
shard as its rows come back in order.
"""

from __future__ import annotations

import logging
import os
import sys
import time

from tqdm import tqdm

from newsstance.label.articles import Article
from newsstance.label.job import LabelJob
from newsstance.label.rows import SCHEMA, label_articles

log = logging.getLogger(__name__)
ARTICLES_PER_CALL = 16  # one actor call: enough sentences for the model's own length batching


class Labeller:
    """A Ray actor: one model load, then batches of articles in, their sentence rows out."""

    def __init__(self, model_path: str | None, precision: str | None, threads: int, device: str):
        import torch

        import newsstance

        torch.set_num_threads(threads)
        self.model = newsstance.load(model_path, precision=precision, device=device)

    def __call__(self, batch: dict) -> dict:
        # Articles go in under their input position (ids need not be unique); the rows come out with
        # their id, position and shard, so the driver can put every row back in its shard, in order.
        positions = [int(p) for p in batch["position"]]
        articles = [Article(str(p), t if isinstance(t, str) else None, bool(h), e if isinstance(e, str) else None)
                    for p, t, h, e in zip(positions, batch["text"], batch["from_html"], batch["error"], strict=True)]
        ids = {p: str(i) for p, i in zip(positions, batch["id"], strict=True)}
        shard = {p: int(k) for p, k in zip(positions, batch["shard"], strict=True)}
        columns, errors = label_articles(self.model, articles)
        rows = len(columns["label"])
        out = {name: columns[name] + [None] * len(errors) for name in SCHEMA.names}
        out["position"] = [int(p) for p in columns["article_id"]] + [int(e["article_id"]) for e in errors]
        out["article_id"] = [ids[p] for p in out["position"]]
        out["shard"] = [shard[p] for p in out["position"]]
        out["error"] = [None] * rows + [e["error"] for e in errors]
        return out


def run_ray(job: LabelJob, model_path: str | None, precision: str | None, workers: int, address: str | None,
            device: str = "cpu") -> None:
    import ray

    started_here = address is None
    if started_here:
        ray.init(num_cpus=max(workers, os.cpu_count() or 1), include_dashboard=False, log_to_driver=False,
                 configure_logging=False)
    else:
        ray.init(address=address, log_to_driver=False, configure_logging=False)
    try:
        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True  # rows come back in input order, shard by shard
        context.enable_progress_bars = False
        threads = max(1, int(ray.cluster_resources().get("CPU", workers)) // workers)
        pending = job.pending()
        group = max(1, 2 * workers)
        interactive = sys.stderr.isatty()
        started, sentences = time.perf_counter(), 0
        remaining = sum(stop - start for start, stop in map(job.bounds, pending))
        with tqdm(total=len(job.source), initial=len(job.source) - remaining, unit="article",
                  desc=f"labelling on Ray ({workers} workers)", disable=not interactive) as bar:
            for at in range(0, len(pending), group):
                shards = pending[at : at + group]
                items = []
                for k in shards:
                    start, stop = job.bounds(k)
                    items += [{"shard": k, "position": p, "id": a.id, "text": a.text, "from_html": a.from_html,
                               "error": a.error} for p, a in enumerate(job.source.slice(start, stop), start=start)]
                labelled = ray.data.from_items(items).map_batches(
                    Labeller, fn_constructor_args=(model_path, precision, threads, device), concurrency=workers,
                    batch_size=ARTICLES_PER_CALL, num_cpus=threads, num_gpus=1 if device != "cpu" else None)
                by_shard: dict[int, list[dict]] = {k: [] for k in shards}
                for batch in labelled.iter_batches(batch_format="pyarrow", batch_size=None):
                    for row in batch.to_pylist():
                        by_shard[row["shard"]].append(row)
                for k in shards:
                    rows = sorted(by_shard[k], key=lambda r: (r["position"], r["sentence"] or 0))
                    errors = [{"article_id": r["article_id"], "error": r["error"]} for r in rows if r["error"]]
                    good = [r for r in rows if not r["error"]]
                    job.write_shard(k, {name: [r[name] for r in good] for name in SCHEMA.names}, errors)
                    sentences += len(good)
                    bar.update(job.bounds(k)[1] - job.bounds(k)[0])
                    bar.set_postfix_str(f"{sentences / max(time.perf_counter() - started, 1e-9):.0f} sentences/s")
                    if not interactive:
                        log.info("shard %d of %d written (%d sentences)", k + 1, job.shards, len(good))
    finally:
        if started_here:
            ray.shutdown()
