"""Distillation: the teacher labels the unlabelled pool once, and its distributions train the student.

The teacher's outputs for every pool sentence (label distribution over the head's classes, and per
teacher wordpiece its character span and tag distribution) are kept in the run directory as a
Hugging Face dataset, written in chunks of CHUNK sentences: a run killed while the teacher labels
(~14 min for 70,000 sentences with mpnet on 2 cores) picks up at the first missing chunk.

  <output_dir>/teacher_targets/chunk-00000 ...   one saved dataset per chunk
  <output_dir>/teacher_targets/manifest.json     teacher fingerprint and pool size (a mismatch relabels)
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import sys
from pathlib import Path

import numpy as np
from tqdm import tqdm

from newsstance.atomic import write_text
from newsstance.config import Config
from newsstance.data.labels import head_labels
from newsstance.data.mixture import Corpus
from newsstance.data.records import SentenceRecord, model_inputs
from newsstance.data.training_data import load_pool
from newsstance.errors import ConfigError
from newsstance.model.encoding import TAGS
from newsstance.model.saved_model import fingerprint, read_meta

log = logging.getLogger(__name__)
CHUNK = 4000
TARGETS = "teacher_targets"


class SoftTargets:
    """Per pool sentence id: the teacher's head distribution and its tag distributions by character."""

    def __init__(self, ids: list[str], head: list, offsets: list, tags: list):
        # numpy rows, not nested lists: 70,000 sentences x ~35 wordpieces x 5 tags as Python floats
        # would hold ~300 MB.
        # A sentence can keep no wordpiece (a lone symbol the tokenizer drops): an empty (0, 5) table. A
        # teacher without a span head gives no tags: all-zero rows, which the loss skips.
        self.rows = {i: (np.asarray(h, dtype=np.float32), np.asarray(off, dtype=np.int32).reshape(-1, 2),
                         np.asarray(tg, dtype=np.float32).reshape(len(off), len(TAGS)) if tg is not None
                         else np.zeros((len(off), len(TAGS)), dtype=np.float32))
                     for i, h, off, tg in zip(ids, head, offsets, tags, strict=True)}

    def __getitem__(self, record_id: str) -> tuple[np.ndarray, list, list]:
        return self.rows[record_id]

    def __len__(self) -> int:
        return len(self.rows)


def _teacher_key(teacher_dir: Path, pool: list[SentenceRecord]) -> str:
    config = Config.from_dict(read_meta(teacher_dir)["config"])
    h = hashlib.sha256(fingerprint(teacher_dir, config).encode())
    for r in pool:
        h.update(r.id.encode() + b"\0" + r.text.encode() + b"\n")
    return h.hexdigest()[:24]


def check_teacher(config: Config) -> Path:
    """The teacher directory, refused early if its head's classes differ from the student's."""
    teacher_dir = Path(config.distill.teacher)
    teacher = Config.from_dict(read_meta(teacher_dir)["config"])
    if teacher.model.predicts_skip != config.model.predicts_skip:
        ours, theirs = head_labels(config.model.predicts_skip), head_labels(teacher.model.predicts_skip)
        raise ConfigError(f"distill.teacher {teacher_dir}: its classes {theirs} differ from this model's {ours} "
                          "(set model.predicts_skip like the teacher's)")
    if not teacher.model.span_head and config.model.span_head:
        raise ConfigError(f"distill.teacher {teacher_dir} has no span head to learn spans from")
    return teacher_dir


def teacher_targets(config: Config, run_dir: Path, pool: list[SentenceRecord]) -> SoftTargets:
    """The teacher's distributions over `pool`, labelled now or read from the run directory."""
    import datasets

    import newsstance

    teacher_dir = check_teacher(config)
    folder = run_dir / TARGETS
    key = _teacher_key(teacher_dir, pool)
    manifest = folder / "manifest.json"
    if manifest.is_file() and json.loads(manifest.read_text(encoding="utf-8")).get("key") != key:
        log.info("teacher or pool changed since %s was written: labelling again", folder)
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    write_text(manifest, json.dumps({"key": key, "teacher": str(teacher_dir), "sentences": len(pool)}))
    chunks = [pool[i : i + CHUNK] for i in range(0, len(pool), CHUNK)]
    missing = [k for k in range(len(chunks)) if not (folder / f"chunk-{k:05d}" / "dataset_info.json").is_file()]
    if missing:
        teacher = newsstance.load(teacher_dir)
        datasets.disable_progress_bars()
        with tqdm(total=sum(len(chunks[k]) for k in missing), desc="teacher labels the pool", unit="sentence",
                  disable=not sys.stderr.isatty()) as bar:
            for k in missing:
                _label_chunk(teacher, chunks[k], folder / f"chunk-{k:05d}")
                bar.update(len(chunks[k]))
                log.info("teacher labelled chunk %d of %d", k + 1, len(chunks))
    table = datasets.concatenate_datasets([datasets.load_from_disk(str(folder / f"chunk-{k:05d}"))
                                           for k in range(len(chunks))])
    columns = table.to_dict()
    return SoftTargets(columns["id"], columns["head"], columns["offsets"], columns["tags"])


def _label_chunk(teacher, records: list[SentenceRecord], target: Path) -> None:
    import datasets

    out = teacher.distributions(*model_inputs(records))
    table = datasets.Dataset.from_dict({
        "id": [r.id for r in records], "head": [o["head"] for o in out],
        "offsets": [o["offsets"] for o in out], "tags": [o["tags"] for o in out]})
    tmp = target.with_name(target.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    table.save_to_disk(str(tmp))
    tmp.rename(target)  # a chunk is there whole or not at all


def distillation_corpus(config: Config, run_dir: Path) -> Corpus:
    """The pool as a training corpus whose targets are the teacher's distributions, not gold labels."""
    pool = load_pool(config.data, config.distill.pool, config.distill.max_pool)
    soft = teacher_targets(config, run_dir, pool)
    return Corpus(f"distill:{config.distill.teacher}", pool, config.distill.weight, spans_supervised=False,
                  labels_supervised=False, soft=soft)
