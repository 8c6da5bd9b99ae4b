"""`newsstance data stats`: per-corpus, per-label counts after conversion."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from newsstance.data.corpora import load_spec
from newsstance.data.labels import ALL_LABELS

# What the data card documents: every corpus and split under the standard data root layout.
STANDARD_SPECS = (
    "gold:gold/dev.jsonl",
    "guideline",
    "polnear:polnear/train",
    "polnear:polnear/dev",
    "emergent:emergent/url-versions-2015-06-14-clean-train.csv",
    "newsclaims:newsclaims/dev.json",
    "newsdiscourse:newsdiscourse/train",
    "newsdiscourse:newsdiscourse/validation",
)


def label_counts(specs: tuple[str, ...], data_root: Path) -> list[tuple[str, Counter]]:
    return [(spec, Counter(r.label for r in load_spec(spec, data_root))) for spec in specs]


def format_table(rows: list[tuple[str, Counter]]) -> str:
    header = f"{'corpus':58s}" + "".join(f"{lab:>12s}" for lab in ALL_LABELS) + f"{'total':>9s}{'denial%':>9s}"
    lines = [header, "-" * len(header)]
    for spec, c in rows:
        total = sum(c.values())
        scored = total - c["skip"]
        share = 100 * c["denial"] / scored if scored else 0.0
        lines.append(f"{spec:58s}" + "".join(f"{c[lab]:12d}" for lab in ALL_LABELS) + f"{total:9d}{share:9.1f}")
    return "\n".join(lines)
