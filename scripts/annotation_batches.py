"""Draw documents for guideline annotation (issue 7; round 2: issue 15) and write blind annotation batches.

Writes work/annotation/ (git-ignored: it holds third-party text):
  batches/A<k>.txt   first-pass batches, whole documents, one sentence a line with its id
  batches/B1.txt     second-pass batch: a subset of the same documents, for agreement
  index.jsonl        id -> corpus, doc, start, end, doc sha256 (what the stand-off files record)

Usage: python scripts/annotation_batches.py [--data-root ../shared/data] [--seed 13]
       python scripts/annotation_batches.py --round 2 [--sentences 1800]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
from pathlib import Path

from newsstance.data.cues import mentions_rejection
from newsstance.data.readers import fnc1, newsdiscourse, polnear
from newsstance.data.readers.standoff import SHIPPED_DIR
from newsstance.data.segment import document_context, split_sentences

MAX_SENTENCES_PER_DOC = 30  # long articles are cut so the set spans more outlets and topics
MIN_DENIAL_CUES = 2  # round 2+: rejection-cue sentences a NewsDiscourse document needs to be drawn
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
                    help="round 2+ draws FNC-1 and NewsDiscourse train documents that no shipped annotation "
                         "covers, ranked by rejection cues and model uncertainty; batches R<round>A<k>, R<round>B1")
    ap.add_argument("--sentences", type=int, default=1800, help="round 2+: sentences to draw")
    ap.add_argument("--batch-sentences", type=int, default=300, help="round 2+: sentences per first-pass batch")
    ap.add_argument("--second-pass", type=int, default=250, help="round 2+: sentences given a second pass")
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


def shipped_docs() -> set[str]:
    """Documents the shipped stand-off annotations already cover (any round, any pass)."""
    return {json.loads(line)["doc"] for f in SHIPPED_DIR.glob("*.jsonl") for line in f.open(encoding="utf-8")}


def rank_documents(corpus: str, texts: dict[str, str], excluded: set[str], seen_texts: set[str],
                   model) -> list[tuple[float, float, float, str, list[tuple[str, int, int]]]]:
    """(cue density, denial mass, model uncertainty, doc, sentences) per candidate document.

    Over its first MAX_SENTENCES_PER_DOC sentences: the share with a rejection cue, the mean denial
    probability and the mean 1 - max probability of the current default model. NewsDiscourse
    documents (general news) with fewer than MIN_DENIAL_CUES cue sentences are not candidates; every
    FNC-1 body is (rumour and hoax coverage by construction, and round 1 already took nearly all
    that have a cue word: what is left is where denials have no cue word, which the model misses).
    """
    rows = []
    for d in sorted(texts):
        text = texts[d]
        if d in excluded or text in seen_texts:
            continue  # FNC-1 repeats bodies under other ids: a repeat is not new material
        sents = sentences(corpus, text)[:MAX_SENTENCES_PER_DOC]
        if len(sents) < 3:
            continue
        seen_texts.add(text)
        plain = [t for t, _, _ in sents]
        proba = model.predict_proba(plain, *document_context(plain))
        cues = sum(mentions_rejection(t) for t in plain)
        if corpus == "newsdiscourse" and cues < MIN_DENIAL_CUES:
            continue
        rows.append((cues / len(plain), float(proba[:, 1].mean()), float((1 - proba.max(1)).mean()), d, sents))
    return rows


def extend(args: argparse.Namespace) -> None:
    """Round 2+: denial-dense documents from FNC-1 train and NewsDiscourse train not yet annotated,
    ranked by their mean rank in rejection-cue density, the model's denial mass and its uncertainty."""
    import newsstance

    model = newsstance.load()
    root = args.data_root
    corpora = {"fnc1": fnc1.read_documents(root / "fnc1/train_bodies.csv"),
               "newsdiscourse": newsdiscourse.read_documents(root / "newsdiscourse/train")}
    excluded = gold_docs(root) | shipped_docs()
    gold_texts = {json.loads(line)["text"] for line in (root / "gold/dev.jsonl").open(encoding="utf-8")}
    seen = {t for texts in corpora.values() for d, t in texts.items() if d in excluded}
    candidates = []
    for corpus, texts in corpora.items():
        for *scores, d, sents in rank_documents(corpus, texts, excluded, seen, model):
            if any(len(t) >= 40 and t in gold_texts for t, _, _ in sents):
                continue  # a copy of a dev article under another id
            candidates.append((corpus, d, sents, scores))
    # Mean rank over cue density, denial mass and uncertainty (each: higher first).
    ranks = {c[1]: 0 for c in candidates}
    for k in range(3):
        for r, c in enumerate(sorted(candidates, key=lambda c: -c[3][k])):
            ranks[c[1]] += r
    candidates.sort(key=lambda c: (ranks[c[1]], c[1]))
    chosen, total = [], 0
    for corpus, d, sents, _ in candidates:
        if total >= args.sentences:
            break
        chosen.append((corpus, d, sents))
        total += len(sents)
    rng = random.Random(args.seed + args.round)
    rng.shuffle(chosen)
    prefix = f"R{args.round}"
    (args.out / "batches").mkdir(parents=True, exist_ok=True)
    with (args.out / "index.jsonl").open("a", encoding="utf-8") as f:
        for corpus, d, sents in chosen:
            sha = hashlib.sha256(corpora[corpus][d].encode("utf-8")).hexdigest()
            for i, (_, start, end) in enumerate(sents):
                f.write(json.dumps({"id": f"{d}#{i}", "corpus": corpus, "doc": d, "start": start,
                                    "end": end, "doc_sha256": sha}) + "\n")
    batch, count, k = [], 0, 1
    for item in chosen:
        batch.append(item)
        count += len(item[2])
        if count >= args.batch_sentences:
            write_batch(args.out, f"{prefix}A{k}", batch)
            batch, count, k = [], 0, k + 1
    if batch:
        write_batch(args.out, f"{prefix}A{k}", batch)
    else:
        k -= 1
    second, n = [], 0
    for item in rng.sample(chosen, len(chosen)):
        if n >= args.second_pass:
            break
        second.append(item)
        n += len(item[2])
    write_batch(args.out, f"{prefix}B1", second)
    by_corpus = {c: sum(len(s) for cc, _, s in chosen if cc == c) for c in corpora}
    print(f"round {args.round}: {len(chosen)} documents, {total} sentences {by_corpus} in batches "
          f"{prefix}A1..{prefix}A{k}; second pass {prefix}B1: {n} sentences")


def write_batch(out: Path, name: str, batch: list) -> None:
    lines = []
    for _, d, sents in batch:
        lines.append(f"=== DOCUMENT {d} ===")
        lines.extend(f"[{d}#{i}] {' '.join(text.split())}" for i, (text, _, _) in enumerate(sents))
        lines.append("")
    (out / "batches" / f"{name}.txt").write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main()
