"""Draw documents for guideline annotation (issue 7) and write blind annotation batches.

Writes work/annotation/ (git-ignored: it holds third-party text):
  batches/A<k>.txt   first-pass batches, whole documents, one sentence a line with its id
  batches/B1.txt     second-pass batch: a subset of the same documents, for agreement
  index.jsonl        id -> corpus, doc, start, end, doc sha256 (what the stand-off files record)

Usage: python scripts/annotation_batches.py [--data-root ../shared/data] [--seed 13]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
from pathlib import Path

from newsstance.data.cues import mentions_rejection
from newsstance.data.readers import fnc1, newsdiscourse, polnear
from newsstance.data.segment import split_sentences

MAX_SENTENCES_PER_DOC = 30  # long articles are cut so the set spans more outlets and topics
TARGETS = {"fnc1": 2050, "polnear": 600, "newsdiscourse": 600}
DENIAL_SHARE = {"fnc1": 0.75, "polnear": 0.5, "newsdiscourse": 0.5}
PASS_A_BATCHES = 7
PASS_B_SENTENCES = 360


def gold_docs(root: Path) -> set[str]:
    return {json.loads(line)["doc"] for line in (root / "gold/dev.jsonl").open(encoding="utf-8")}


def sentences(corpus: str, text: str) -> list[tuple[str, int, int]]:
    if corpus == "newsdiscourse":
        return [(s.text, s.start, s.start + len(s.text)) for s in newsdiscourse.sentences_of(text)]
    return [(s.text, s.start, s.end) for s in split_sentences(text)]


def draw(corpus: str, docs: dict[str, str], excluded: set[str], rng: random.Random) -> list[str]:
    """Documents up to the corpus's sentence target, over-sampling those with denial cues."""
    ids = sorted(d for d in docs if d not in excluded and sentences(corpus, docs[d]))
    with_cue = [d for d in ids if sum(mentions_rejection(s) for s, _, _ in sentences(corpus, docs[d])) >= 1]
    rest = [d for d in ids if d not in set(with_cue)]
    rng.shuffle(with_cue)
    rng.shuffle(rest)
    chosen, total = [], 0
    while total < TARGETS[corpus] and (with_cue or rest):
        pool = with_cue if (rng.random() < DENIAL_SHARE[corpus] and with_cue) or not rest else rest
        d = pool.pop()
        chosen.append(d)
        total += min(MAX_SENTENCES_PER_DOC, len(sentences(corpus, docs[d])))
    return chosen


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-root", type=Path, default=Path("../shared/data"))
    ap.add_argument("--out", type=Path, default=Path("work/annotation"))
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--round", type=int, default=1,
                    help="round 2+ draws only documents not yet drawn (read from the existing index), "
                         "FNC-1 only, and writes first-pass batches numbered after the existing ones")
    ap.add_argument("--sentences", type=int, default=2500, help="round 2+: sentences to draw")
    args = ap.parse_args()
    if args.round > 1:
        extend(args)
        return
    rng = random.Random(args.seed)
    root = args.data_root
    corpora = {
        "fnc1": fnc1.read_documents(root / "fnc1/train_bodies.csv"),
        "polnear": polnear.read_documents(root / "polnear/train"),
        "newsdiscourse": newsdiscourse.read_documents(root / "newsdiscourse/train"),
    }
    excluded = gold_docs(root)
    docs: list[tuple[str, str, list[tuple[str, int, int]]]] = []
    for corpus, texts in corpora.items():
        for d in draw(corpus, texts, excluded, rng):
            docs.append((corpus, d, sentences(corpus, texts[d])[:MAX_SENTENCES_PER_DOC]))
    rng.shuffle(docs)
    (args.out / "batches").mkdir(parents=True, exist_ok=True)
    index = []
    for corpus, d, sents in docs:
        sha = hashlib.sha256(corpora[corpus][d].encode("utf-8")).hexdigest()
        for i, (_, start, end) in enumerate(sents):
            index.append({"id": f"{d}#{i}", "corpus": corpus, "doc": d, "start": start, "end": end, "doc_sha256": sha})
    with (args.out / "index.jsonl").open("w", encoding="utf-8") as f:
        f.writelines(json.dumps(row) + "\n" for row in index)

    total = sum(len(s) for _, _, s in docs)
    per_batch, batch, count, k = total / PASS_A_BATCHES, [], 0, 1
    for item in docs:
        batch.append(item)
        count += len(item[2])
        if count >= per_batch * k and k < PASS_A_BATCHES:
            write_batch(args.out, f"A{k}", batch)
            batch, k = [], k + 1
    write_batch(args.out, f"A{k}", batch)
    # Second pass: whole documents drawn across all first-pass batches.
    second, n = [], 0
    for item in rng.sample(docs, len(docs)):
        if n >= PASS_B_SENTENCES:
            break
        second.append(item)
        n += len(item[2])
    write_batch(args.out, "B1", second)
    print(f"{len(docs)} documents, {total} sentences in {k} first-pass batches; second pass {n} sentences")


def extend(args: argparse.Namespace) -> None:
    rng = random.Random(args.seed + args.round)
    index_path = args.out / "index.jsonl"
    drawn = {json.loads(line)["doc"] for line in index_path.open(encoding="utf-8")}
    texts = fnc1.read_documents(args.data_root / "fnc1/train_bodies.csv")
    TARGETS["fnc1"], DENIAL_SHARE["fnc1"] = args.sentences, 0.85
    chosen = draw("fnc1", texts, gold_docs(args.data_root) | drawn, rng)
    existing = len(list((args.out / "batches").glob("A*.txt")))
    docs = [("fnc1", d, sentences("fnc1", texts[d])[:MAX_SENTENCES_PER_DOC]) for d in chosen]
    with index_path.open("a", encoding="utf-8") as f:
        for corpus, d, sents in docs:
            sha = hashlib.sha256(texts[d].encode("utf-8")).hexdigest()
            for i, (_, start, end) in enumerate(sents):
                f.write(json.dumps({"id": f"{d}#{i}", "corpus": corpus, "doc": d, "start": start,
                                    "end": end, "doc_sha256": sha}) + "\n")
    per_batch = 450
    batch, count, k = [], 0, existing + 1
    for item in docs:
        batch.append(item)
        count += len(item[2])
        if count >= per_batch:
            write_batch(args.out, f"A{k}", batch)
            batch, count, k = [], 0, k + 1
    if batch:
        write_batch(args.out, f"A{k}", batch)
    print(f"round {args.round}: {len(docs)} documents, {sum(len(s) for _, _, s in docs)} sentences, "
          f"batches A{existing + 1}..A{k if batch else k - 1}")


def write_batch(out: Path, name: str, batch: list) -> None:
    lines = []
    for _, d, sents in batch:
        lines.append(f"=== DOCUMENT {d} ===")
        lines.extend(f"[{d}#{i}] {' '.join(text.split())}" for i, (text, _, _) in enumerate(sents))
        lines.append("")
    (out / "batches" / f"{name}.txt").write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main()
