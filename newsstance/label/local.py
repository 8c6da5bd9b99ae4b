"""The local engine of `newsstance label`: shard after shard in this process, one model load."""

from __future__ import annotations

import logging
import sys
import time

from tqdm import tqdm

from newsstance.label.job import LabelJob
from newsstance.label.rows import label_articles

log = logging.getLogger(__name__)


def run_local(job: LabelJob, model) -> None:
    pending = job.pending()
    remaining = sum(stop - start for start, stop in map(job.bounds, pending))
    interactive = sys.stderr.isatty()
    started, sentences, articles = time.perf_counter(), 0, 0
    with tqdm(total=len(job.source), initial=len(job.source) - remaining, unit="article", desc="labelling",
              disable=not interactive) as bar:
        for k in pending:
            start, stop = job.bounds(k)
            columns, errors = label_articles(model, job.source.slice(start, stop))
            job.write_shard(k, columns, errors)
            sentences, articles = sentences + len(columns["label"]), articles + stop - start
            rate = sentences / max(time.perf_counter() - started, 1e-9)
            bar.update(stop - start)
            bar.set_postfix_str(f"{rate:.0f} sentences/s")
            if not interactive:
                log.info("shard %d of %d: %d articles, %d sentences (%.1f articles/s, %.0f sentences/s)", k + 1,
                         job.shards, stop - start, len(columns["label"]),
                         articles / max(time.perf_counter() - started, 1e-9), rate)
