"""Agreement between the two annotation passes (issue 7): Cohen's kappa, confusion, span agreement.

  python scripts/annotation_agreement.py [--round 2] [--data-root ../shared/data] [--disagreements OUT.jsonl]

With --disagreements, writes the sentences the passes disagree on (with context and both labels) for
adjudication; that file holds third-party text, so keep it under work/ (git-ignored).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from sklearn.metrics import cohen_kappa_score, confusion_matrix

from newsstance.data.labels import ALL_LABELS
from newsstance.data.readers.standoff import SHIPPED_DIR, read_standoff


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-root", type=Path, default=Path("../shared/data"))
    ap.add_argument("--disagreements", type=Path)
    ap.add_argument("--round", type=int, default=1, help="2: the denial-dense round of issue 15")
    args = ap.parse_args()
    prefix = "" if args.round == 1 else f"round{args.round}_"
    a = {(r.doc, r.id): r for r in read_standoff(SHIPPED_DIR / f"{prefix}pass_a.jsonl", args.data_root, passes=("A",))}
    b = {(r.doc, r.id): r for r in read_standoff(SHIPPED_DIR / f"{prefix}pass_b.jsonl", args.data_root, passes=("B",))}
    both = sorted(set(a) & set(b))
    la, lb = [a[k].label for k in both], [b[k].label for k in both]
    kappa = cohen_kappa_score(la, lb, labels=list(ALL_LABELS))
    agree = sum(x == y for x, y in zip(la, lb, strict=True)) / len(both)
    print(f"doubly annotated sentences: {len(both)}; raw agreement {agree:.3f}; Cohen's kappa {kappa:.3f}")
    scored = [(x, y) for x, y in zip(la, lb, strict=True) if "skip" not in (x, y)]
    k3 = cohen_kappa_score([x for x, _ in scored], [y for _, y in scored])
    print(f"kappa over the three scored labels (rows where neither pass said skip, n={len(scored)}): {k3:.3f}")
    print("confusion (rows pass A, columns pass B):", " ".join(f"{lab:>11s}" for lab in ALL_LABELS))
    for lab, row in zip(ALL_LABELS, confusion_matrix(la, lb, labels=list(ALL_LABELS)), strict=True):
        print(f"{lab:>40s}", " ".join(f"{v:11d}" for v in row))
    same = [k for k in both if a[k].label == b[k].label and a[k].label in ("attribution", "denial")]
    for name in ("source", "cue"):
        eq = sum(getattr(a[k], name) == getattr(b[k], name) for k in same)
        print(f"{name} spans identical on {eq}/{len(same)} rows both passes labelled attribution/denial alike")
    pairs = Counter(tuple(sorted((a[k].label, b[k].label))) for k in both if a[k].label != b[k].label)
    print("disagreement pairs:", pairs)
    if args.disagreements:
        with args.disagreements.open("w", encoding="utf-8") as f:
            for k in both:
                if a[k].label != b[k].label:
                    r = a[k]
                    f.write(json.dumps({"doc": r.doc, "id": r.id, "prev": r.prev, "text": r.text, "next": r.next,
                                        "label_1": a[k].label, "label_2": b[k].label}) + "\n")


if __name__ == "__main__":
    main()
