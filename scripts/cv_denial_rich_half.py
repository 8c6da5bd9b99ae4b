"""Two CV runs side by side on the denial-rich half of the held-out documents and on the rest.

  python scripts/cv_denial_rich_half.py RUN_A RUN_B

The issue's withheld measurement splits articles the same way ("the denial-rich half: debunks and
hoax coverage"), where the model was confidently wrong. A document is denial-rich when its share of
gold denials among its scored sentences is above the median document's. Both runs must have predicted
the same folds (`<run>/fold-*/cv_predictions.jsonl`); labels are each row's most probable one.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

import numpy as np

from newsstance.data.labels import LABELS
from newsstance.errors import NewsstanceError
from newsstance.eval.cross_validation import read_predictions, score_labels


def scored_rows(run: Path) -> dict[str, dict]:
    return {row["id"]: row for row in read_predictions(run) if row["gold"] in LABELS}


def summary(rows: list[dict]) -> str:
    report = score_labels(rows)
    denial = report["per_label"]["denial"]
    return f"macro-F1 {report['macro_f1']:.3f}, denial F1 {denial['f1']:.3f}, denial recall {denial['recall']:.3f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("runs", type=Path, nargs=2)
    args = ap.parse_args()
    try:
        a, b = (scored_rows(run) for run in args.runs)
    except NewsstanceError as e:
        raise SystemExit(str(e)) from None
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
            print(f"  {run}: {summary([rows[i] for i in ids])}")


if __name__ == "__main__":
    main()
