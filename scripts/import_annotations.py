"""Turn annotation pass outputs (work/annotation/out/*.jsonl, span texts) into the stand-off files
shipped in newsstance/data/annotations/ (offsets only, no third-party text).

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


def rulings(data_root: Path) -> None:
    """Rows whose label or spans a re-read by the guideline's Rulings changed, as pass "rulings"
    (which outranks every other pass), keyed like the first-round rows they replace."""
    from newsstance.data.readers.standoff import read_rows

    first = {}
    for name in ("pass_a.jsonl", "adjudicated.jsonl"):  # adjudicated last: it is the label in force
        for _, row in read_rows(SHIPPED_DIR / name):
            first[f"{row['doc']}@{row['start']}"] = row
    texts = load_texts(data_root, {})
    rows, changed = [], 0
    for out_file in sorted((WORK / "out").glob("rulings*.jsonl")):
        for line in out_file.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            ann = json.loads(line)
            old = first[ann["id"]]
            sentence = texts[old["doc"]][old["start"] : old["end"]]
            spans = ann["label"] in ("attribution", "denial")
            source = _offsets(ann.get("source", ""), sentence, old["start"]) if spans else None
            cue = _offsets(ann.get("cue", ""), sentence, old["start"]) if spans else None
            if (ann["label"], source, cue) == (old["label"], old.get("source"), old.get("cue")):
                continue
            changed += ann["label"] != old["label"]
            rows.append({**old, "label": ann["label"], "source": source, "cue": cue, "pass": "rulings",
                         "batch": out_file.stem, "was": old["label"], "ruling": ann.get("ruling", "")})
    write(rows, SHIPPED_DIR / "rulings.jsonl")
    print(f"{changed} labels changed, {len(rows) - changed} rows with only their spans changed")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-root", type=Path, default=Path("../shared/data"))
    ap.add_argument("--adjudicated", type=Path)
    ap.add_argument("--round", type=int, default=1)
    ap.add_argument("--rulings", action="store_true")
    args = ap.parse_args()
    if args.rulings:
        rulings(args.data_root)
        return
    index = {}
    for line in (WORK / "index.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        index[row["id"]] = row
    texts = load_texts(args.data_root, index)
    SHIPPED_DIR.mkdir(exist_ok=True)
    if args.adjudicated:
        name = "adjudicated.jsonl" if args.round == 1 else f"round{args.round}_adjudicated.jsonl"
        write(convert(args.adjudicated, "adjudicated", index, texts), SHIPPED_DIR / name)
        return
    batch_prefix, file_prefix = ("", "") if args.round == 1 else (f"R{args.round}", f"round{args.round}_")
    for pass_name in ("A", "B"):
        files = sorted((WORK / "out").glob(f"{batch_prefix}{pass_name}[0-9]*.jsonl"))
        rows = [r for f in files for r in convert(f, pass_name, index, texts)]
        write(rows, SHIPPED_DIR / f"{file_prefix}pass_{pass_name.lower()}.jsonl")


if __name__ == "__main__":
    main()
