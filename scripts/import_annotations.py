"""Turn annotation pass outputs (work/annotation/out/*.jsonl, span texts) into the stand-off files
shipped in newsstance/annotations/ (offsets only, no third-party text).

  python scripts/import_annotations.py            # all finished batches; A* -> pass_a, B* -> pass_b
  python scripts/import_annotations.py --adjudicated work/annotation/adjudicated.jsonl
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from newsstance.atomic import write_text
from newsstance.data.labels import ALL_LABELS
from newsstance.data.readers.standoff import SHIPPED_DIR

WORK = Path("work/annotation")


def _normalised_map(text: str) -> tuple[str, list[int]]:
    """The whitespace-collapsed text shown to annotators, and each of its characters' original offset."""
    out, where, pending_space = [], [], False
    for i, ch in enumerate(text):
        if ch.isspace():
            pending_space = bool(out)
            continue
        if pending_space:
            out.append(" ")
            where.append(i - 1)
            pending_space = False
        out.append(ch)
        where.append(i)
    return "".join(out), where


def _offsets(span_text: str, sentence: str, sent_start: int) -> list[int] | None:
    if not span_text:
        return None
    shown, where = _normalised_map(sentence)
    span_text = " ".join(span_text.split())
    at = shown.find(span_text)
    if at < 0:
        raise ValueError(f"span {span_text!r} not in sentence {shown[:80]!r}")
    return [sent_start + where[at], sent_start + where[at + len(span_text) - 1] + 1]


def convert(out_file: Path, pass_name: str, index: dict, texts: dict) -> list[dict]:
    rows = []
    for number, line in enumerate(out_file.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        ann = json.loads(line)
        if ann["label"] not in ALL_LABELS:
            raise ValueError(f"{out_file}:{number}: label {ann['label']!r}")
        ref = index[ann["id"]]
        sentence = texts[ref["doc"]][ref["start"] : ref["end"]]
        spans = ann["label"] in ("attribution", "denial")
        try:
            source = _offsets(ann.get("source", ""), sentence, ref["start"]) if spans else None
            cue = _offsets(ann.get("cue", ""), sentence, ref["start"]) if spans else None
        except ValueError as e:
            print(f"warning: {out_file.name}:{number} {ann['id']}: {e}; span dropped")
            source = cue = None
        rows.append({"corpus": ref["corpus"], "doc": ref["doc"], "start": ref["start"], "end": ref["end"],
                     "doc_sha256": ref["doc_sha256"], "label": ann["label"], "source": source, "cue": cue,
                     "pass": pass_name, "batch": out_file.stem})
    return rows


def load_texts(data_root: Path, index: dict) -> dict[str, str]:
    from newsstance.data.readers import fnc1, newsdiscourse, polnear

    texts = fnc1.read_documents(data_root / "fnc1/train_bodies.csv")
    texts |= polnear.read_documents(data_root / "polnear/train")
    texts |= newsdiscourse.read_documents(data_root / "newsdiscourse/train")
    return texts


def write(rows: list[dict], path: Path) -> None:
    rows.sort(key=lambda r: (r["doc"], r["start"]))
    write_text(path, "".join(json.dumps(r) + "\n" for r in rows))
    print(f"{path}: {len(rows)} rows")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-root", type=Path, default=Path("../shared/data"))
    ap.add_argument("--adjudicated", type=Path)
    args = ap.parse_args()
    index = {}
    for line in (WORK / "index.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        index[row["id"]] = row
    texts = load_texts(args.data_root, index)
    SHIPPED_DIR.mkdir(exist_ok=True)
    if args.adjudicated:
        write(convert(args.adjudicated, "adjudicated", index, texts), SHIPPED_DIR / "adjudicated.jsonl")
        return
    for prefix, name in (("A", "pass_a"), ("B", "pass_b")):
        rows = [r for f in sorted((WORK / "out").glob(f"{prefix}*.jsonl")) for r in convert(f, prefix, index, texts)]
        write(rows, SHIPPED_DIR / f"{name}.jsonl")


if __name__ == "__main__":
    main()
