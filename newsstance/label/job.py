"""A labelling job's output folder, resumable shard by shard whatever engine fills it.

  DIR/manifest.json         model, precision, input fingerprint, shard size, counts (status: running|complete)
  DIR/shards/part-NNNNN.parquet   one per SHARD articles of the input, in input order
  DIR/errors/part-NNNNN.jsonl     the bad articles of that shard (written before its Parquet file)
  DIR/errors.jsonl          every bad article, gathered when the job completes
A shard's Parquet file is written beside and renamed into place, so one that exists is whole: a job
killed at any moment and started again skips the finished shards and ends with the same files.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from newsstance.atomic import write_text
from newsstance.errors import NewsstanceError
from newsstance.label.articles import ArticleSource
from newsstance.label.rows import SCHEMA


class LabelJob:
    def __init__(self, out: Path, source: ArticleSource, identity: dict, shard_size: int):
        self.out, self.source, self.shard_size = Path(out), source, shard_size
        self.identity = {**identity, "input_fingerprint": source.fingerprint, "input_kind": source.kind,
                         "articles": len(source), "shard_size": shard_size}
        self.shards = -(-len(source) // shard_size)
        manifest = self.out / "manifest.json"
        if manifest.is_file():
            previous = json.loads(manifest.read_text(encoding="utf-8"))
            changed = [k for k, v in self.identity.items() if previous.get(k) != v]
            if changed:
                raise NewsstanceError(f"{self.out} holds a labelling run of another input or model ({changed[0]}: "
                                      f"{previous.get(changed[0])!r} there, {self.identity[changed[0]]!r} now); "
                                      "choose another --out")
        (self.out / "shards").mkdir(parents=True, exist_ok=True)
        (self.out / "errors").mkdir(exist_ok=True)
        self._write_manifest("running", {})

    def shard_path(self, k: int) -> Path:
        return self.out / "shards" / f"part-{k:05d}.parquet"

    def bounds(self, k: int) -> tuple[int, int]:
        return k * self.shard_size, min(len(self.source), (k + 1) * self.shard_size)

    def pending(self) -> list[int]:
        return [k for k in range(self.shards) if not self.shard_path(k).is_file()]

    def write_shard(self, k: int, columns: dict[str, list], errors: list[dict]) -> None:
        write_text(self.out / "errors" / f"part-{k:05d}.jsonl", "".join(json.dumps(e) + "\n" for e in errors))
        tmp = self.shard_path(k).with_suffix(".parquet.tmp")
        pq.write_table(pa.Table.from_pydict(columns, schema=SCHEMA), tmp)
        tmp.replace(self.shard_path(k))

    def finish(self) -> dict:
        errors = [line for k in range(self.shards)
                  for line in (self.out / "errors" / f"part-{k:05d}.jsonl").read_text(encoding="utf-8").splitlines()]
        write_text(self.out / "errors.jsonl", "".join(line + "\n" for line in errors))
        labels: dict[str, int] = {}
        sentences = 0
        for k in range(self.shards):
            table = pq.read_table(self.shard_path(k), columns=["label"])
            sentences += table.num_rows
            for label, n in zip(*table.column("label").value_counts().flatten(), strict=True):
                labels[label.as_py()] = labels.get(label.as_py(), 0) + n.as_py()
        counts = {"articles_labelled": len(self.source) - len(errors), "articles_failed": len(errors),
                  "sentences": sentences, "labels": dict(sorted(labels.items()))}
        self._write_manifest("complete", counts)
        return counts

    def _write_manifest(self, status: str, counts: dict) -> None:
        from newsstance import __version__

        write_text(self.out / "manifest.json", json.dumps(
            {**self.identity, "status": status, "counts": counts, "newsstance": __version__,
             "written": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
             "columns": SCHEMA.names, "offsets": "start/end index the article text, or the text extracted "
                                                  "from its HTML where from_html is true"}, indent=2))
