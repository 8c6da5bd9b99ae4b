"""Two CV runs side by side on the denial-rich half of the held-out documents and on the rest.

  python scripts/cv_denial_rich_half.py RUN_A RUN_B

The issue's withheld measurement splits articles the same way ("the denial-rich half: debunks and
hoax coverage"), where the model was confidently wrong. A document is denial-rich when its share of
gold denials among its scored sentences is above the median document's. Both runs must have predicted
the same folds (`<run>/fold-*/cv_predictions.jsonl`); labels are each row's most probable one.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

from newsstance.data.labels import LABELS


def predictions(run: Path) -> dict[str, dict]:
    files = sorted(run.glob("fold-*/cv_predictions.jsonl"))
    if not files:
        raise SystemExit(f"{run}: no fold-*/cv_predictions.jsonl (not a finished CV run)")
    return {row["id"]: row for f in files for line in f.read_text(encoding="utf-8").splitlines() if line.strip()
            for row in [json.loads(line)] if row["gold"] in LABELS}


def scores(rows: list[dict]) -> str:
    gold = [r["gold"] for r in rows]
    pred = [max(r["scores"], key=r["scores"].get) for r in rows]
    f1 = f1_score(gold, pred, labels=list(LABELS), average=None, zero_division=0)
    denials = [p for g, p in zip(gold, pred, strict=True) if g == "denial"]
    recall = sum(p == "denial" for p in denials) / max(1, len(denials))
    return f"macro-F1 {f1.mean():.3f}, denial F1 {f1[LABELS.index('denial')]:.3f}, denial recall {recall:.3f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("runs", type=Path, nargs=2)
    args = ap.parse_args()
    a, b = (predictions(run) for run in args.runs)
    if set(a) != set(b):
        raise SystemExit("the two runs predicted different sentences (different folds?)")
    by_doc = defaultdict(list)
    for row in a.values():
        by_doc[row["doc"]].append(row["gold"] == "denial")
    share = {doc: float(np.mean(flags)) for doc, flags in by_doc.items()}
    cut = float(np.median(list(share.values())))
    rich = {doc for doc, s in share.items() if s > cut}
    print(f"{len(by_doc)} documents; denial-rich: {len(rich)} (denial share above {cut:.3f})")
    for name, keep in (("all", lambda d: True), ("denial-rich half", lambda d: d in rich),
                       ("other half", lambda d: d not in rich)):
        ids = [i for i, row in a.items() if keep(row["doc"])]
        n_denials = sum(a[i]["gold"] == "denial" for i in ids)
        print(f"{name}: {len(ids)} sentences, {n_denials} denials")
        for run, rows in zip(args.runs, (a, b), strict=True):
            print(f"  {run}: {scores([rows[i] for i in ids])}")


if __name__ == "__main__":
    main()
