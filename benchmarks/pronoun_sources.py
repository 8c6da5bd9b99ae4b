"""How often the pronoun rule of newsstance/model/sources.py names the right speaker.

The rule: a pronoun source ("he said") is the nearest preceding named source in the article. Applied
here to the gold spans of gold dev and of the guideline annotations, so it measures the rule, not the
model's spans.

  python benchmarks/pronoun_sources.py [--data-root ../shared/data] --write work/pronouns.jsonl
      every pronoun source with the rule's antecedent and the sentences before it, for a reader to
      judge (third-party text: keep it under work/, which git ignores)
  python benchmarks/pronoun_sources.py --judged work/pronouns_judged.jsonl
      the reader's verdicts ({"id", "verdict": "right" | "wrong" | "none", "antecedent"?}) counted
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

from newsstance.data.corpora import load_spec
from newsstance.model.sources import REPORTED, is_pronoun

CONTEXT = 6  # sentences shown before the pronoun's sentence


def _position(record_id: str) -> int:
    return int(re.split("[#@]", record_id)[-1])


def pronoun_cases(data_root: Path) -> list[dict]:
    cases = []
    for spec in ("gold:gold/dev.jsonl", "guideline"):
        by_doc = defaultdict(list)
        for r in load_spec(spec, data_root):
            by_doc[r.doc].append(r)
        for doc, records in by_doc.items():
            records.sort(key=lambda r: _position(r.id))
            last_named = None
            for i, r in enumerate(records):
                source = r.source.text_in(r.text).strip() if r.source and r.label in REPORTED else ""
                if source and not is_pronoun(source):
                    last_named = source
                elif source:
                    cases.append({"id": r.id, "set": spec, "doc": doc, "pronoun": source, "rule": last_named,
                                  "sentence": r.text, "before": [x.text for x in records[max(0, i - CONTEXT) : i]]})
    return cases


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-root", type=Path, default=Path("../shared/data"))
    ap.add_argument("--write", type=Path)
    ap.add_argument("--judged", type=Path)
    args = ap.parse_args()
    if args.write:
        cases = pronoun_cases(args.data_root)
        args.write.parent.mkdir(parents=True, exist_ok=True)
        args.write.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases), encoding="utf-8")
        print(f"{len(cases)} pronoun sources ({Counter(c['set'] for c in cases)}), "
              f"{sum(c['rule'] is None for c in cases)} with no named source before them; written to {args.write}")
    if args.judged:
        rows = [json.loads(line) for line in args.judged.read_text(encoding="utf-8").splitlines() if line.strip()]
        verdicts = Counter(r["verdict"] for r in rows)
        answered = verdicts["right"] + verdicts["wrong"]
        print(f"{len(rows)} pronoun sources judged: {dict(verdicts)}; the rule names the right speaker for "
              f"{verdicts['right']} of {len(rows)} ({verdicts['right'] / len(rows):.1%}); of the {answered} "
              f"where it names one, {verdicts['right'] / max(answered, 1):.1%}")
        by_pronoun = defaultdict(Counter)
        for r in rows:
            by_pronoun[r.get("pronoun", "?").lower()][r["verdict"]] += 1
        for pronoun, c in sorted(by_pronoun.items(), key=lambda kv: -sum(kv[1].values())):
            print(f"  {pronoun:6s} {dict(c)}")


if __name__ == "__main__":
    main()
