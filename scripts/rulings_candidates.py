"""First-round guideline sentences that the guideline's "Rulings" section may relabel (issue 15).

The rulings answer questions the first round raised (questions in quotations, doubt verbs,
retractions, "could not confirm", embedded posts, captions and credits, agentless passives,
rejected offers). This script picks the first-round sentences whose words touch one of them and
writes them, with their neighbours and current label, for a re-read by the rulings:

  python scripts/rulings_candidates.py [--data-root ../shared/data] [--parts 2]

Writes work/annotation/rulings/part<k>.txt (git-ignored: third-party text). Each line of a re-read's
output (work/annotation/out/rulings<k>.jsonl) is {"id", "label", "source", "cue", "ruling"};
scripts/import_annotations.py --rulings turns the changed ones into newsstance/data/annotations/rulings.jsonl.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from newsstance.data.readers.standoff import SHIPPED_DIR, read_standoff

# One pattern per ruling; a sentence matching any is a candidate (the re-read decides).
RULING_TRIGGERS = {
    "question": re.compile(r"\?"),
    "doubt": re.compile(r"\b(question(ed|s|ing)? (whether|if|the)|doubt\w*|cast(s|ing)? doubt|challeng\w+ the|"
                        r"downplay\w*|play(ed|s|ing)? down|skeptic\w*|sceptic\w*)\b", re.I),
    "retraction": re.compile(r"\b(retract\w*|correct(ion|ed|s)?|earlier version|wrongly|erroneous\w*|"
                             r"mistakenly|clarif\w+)\b", re.I),
    "not_confirming": re.compile(r"\b(could not|couldn't|can ?not|unable to|has not been able to|have not been able to)"
                                 r" (be )?(independently )?(confirm|verif)\w*|\bno information\b|\bunclear\b|"
                                 r"\bunconfirmed\b|\bunverified\b|\bno evidence\b|\bno basis\b|\bno such\b", re.I),
    "embedded_post": re.compile(r"@\w+|pic\.twitter|twitter\.com|\b(tweet\w*|posted)\b|^[-\u2014\u2013] ", re.I),
    "caption_credit": re.compile(r"\b(photo|image|picture|video|credit|getty|shutterstock|AP Photo|screenshot|"
                                 r"caption)\b", re.I),
    "agentless_passive": re.compile(r"\b(is|are|was|were|been|being) (said|reported|believed|alleged|thought|"
                                    r"rumou?red|understood|claimed|expected) to\b", re.I),
    "rejected_offer": re.compile(r"\b(reject\w*|declin\w*|refus\w*|turn(ed|s)? down) (the |an? |his |her |their )?"
                                 r"(offer|invitation|request|proposal|bid|deal|call|demand|to)\b", re.I),
}


def triggers(text: str) -> list[str]:
    return [name for name, pattern in RULING_TRIGGERS.items() if pattern.search(text)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-root", type=Path, default=Path("../shared/data"))
    ap.add_argument("--out", type=Path, default=Path("work/annotation/rulings"))
    ap.add_argument("--parts", type=int, default=2)
    args = ap.parse_args()
    # The label training uses: pass A, overridden by adjudication (pass B only double-checks A).
    effective = {r.id: r for r in read_standoff(SHIPPED_DIR / "pass_a.jsonl", args.data_root)}
    effective |= {r.id: r for r in read_standoff(SHIPPED_DIR / "adjudicated.jsonl", args.data_root)}
    rows = []
    for r in sorted(effective.values(), key=lambda r: (r.doc, int(r.id.split("@")[1]))):
        names = triggers(r.text)
        if names:
            rows.append((r, names))
    args.out.mkdir(parents=True, exist_ok=True)
    per_part = -(-len(rows) // args.parts)
    for k in range(args.parts):
        part = rows[k * per_part : (k + 1) * per_part]
        lines = []
        for r, names in part:
            source, cue = (r.text[s.start : s.end] if s else "" for s in (r.source, r.cue))
            lines.append(json.dumps({"id": r.id, "prev": r.prev, "text": r.text, "next": r.next,
                                     "label": r.label, "source": source, "cue": cue,
                                     "triggers": names}, ensure_ascii=False))
        (args.out / f"part{k + 1}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    counts = {name: sum(name in n for _, n in rows) for name in RULING_TRIGGERS}
    print(f"{len(rows)} of {len(effective)} first-round sentences touch a ruling {counts}; "
          f"{args.parts} parts in {args.out}")


if __name__ == "__main__":
    main()
