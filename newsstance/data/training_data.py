"""The training corpora and dev records a config's `data:` section names, ready for the sampler.

Held-out documents (the dev set's articles, and a cross-validation fold's) and copies of them under
other ids never enter training: FNC-1 repeats bodies, and a copy would leak held-out sentences into
the weights.
"""

from __future__ import annotations

import logging
import random

from newsstance.data.config import DataConfig
from newsstance.data.corpora import SPAN_KINDS, DataSpec, load_spec
from newsstance.data.cv_folds import heldout_records
from newsstance.data.labels import ALL_LABELS, LABELS
from newsstance.data.mixture import Corpus
from newsstance.data.records import SentenceRecord

log = logging.getLogger(__name__)
# Sentences at least this long that a training document shares with a held-out one mark it as a copy.
MIN_SHARED_SENTENCE = 40


def _held_out(data: DataConfig) -> tuple[set[str], set[str]]:
    """(documents kept out of training, their long sentences by which copies are recognised)."""
    root = data.resolved_root()
    held_out = [r for spec in data.exclude_docs_of for r in load_spec(f"gold:{spec}", root)]
    if data.cv_folds is not None:
        held_out += heldout_records(data)
    return {r.doc for r in held_out}, {r.text for r in held_out if len(r.text) >= MIN_SHARED_SENTENCE}


def _without_held_out(spec: DataSpec, records: list[SentenceRecord], excluded: set[str],
                      held_out_texts: set[str]) -> list[SentenceRecord]:
    copies = {r.doc for r in records if r.text in held_out_texts} - excluded
    if copies:
        log.info("%s: %d documents share sentences with held-out documents; left out: %s",
                 spec, len(copies), ", ".join(sorted(copies)))
    return [r for r in records if r.doc not in excluded and r.doc not in copies]


def load_training_data(data: DataConfig, seed: int, max_train_examples: int | None = None,
                       max_dev_examples: int | None = None,
                       keep_skip: bool = False) -> tuple[list[Corpus], list[SentenceRecord]]:
    """(weighted training corpora, dev records). The max_* knobs cut each set for smoke runs;
    `keep_skip` keeps the `skip` rows (for a model that learns page furniture)."""
    root = data.resolved_root()
    excluded, held_out_texts = _held_out(data)
    wanted = ALL_LABELS if keep_skip else LABELS
    corpora = []
    for item in data.train:
        spec = DataSpec.parse(item.spec)
        records = _without_held_out(spec, load_spec(spec, root), excluded, held_out_texts)
        records = [r for r in records if r.label in wanted]
        if item.max_examples is not None:
            records = random.Random(seed).sample(records, min(item.max_examples, len(records)))
        if max_train_examples is not None:
            records = records[:max_train_examples]
        corpora.append(Corpus(str(spec), records, item.weight, item.spans and spec.kind in SPAN_KINDS,
                              item.labels))
        log.info("train corpus %s: %d sentences, weight %.2f", spec, len(records), item.weight)
    dev = load_spec(data.dev, root)
    if max_dev_examples is not None:
        dev = dev[:max_dev_examples]
    return corpora, dev


def load_pool(data: DataConfig, specs: list[str], limit: int | None = None) -> list[SentenceRecord]:
    """Unlabelled in-domain sentences for distillation: every sentence of `specs` (labels ignored), the
    held-out documents and their copies left out as for training, each distinct text once."""
    root = data.resolved_root()
    excluded, held_out_texts = _held_out(data)
    seen: set[str] = set()
    pool = []
    for raw in specs:
        spec = DataSpec.parse(raw)
        for r in _without_held_out(spec, load_spec(spec, root), excluded, held_out_texts):
            if r.text not in seen:
                seen.add(r.text)
                pool.append(r)
    log.info("distillation pool: %d distinct sentences from %s", len(pool), ", ".join(specs))
    return pool[:limit] if limit is not None else pool
