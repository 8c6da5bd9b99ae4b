"""How far apart are the guideline's spans and PolNeAR's? (Not a test: prints figures.)

Four PolNeAR dev articles were also annotated by the guideline (their sentences are in
gold/dev.jsonl). On the sentences both hold, this scores the guideline's own gold spans against
PolNeAR's, as if they were predictions: what a perfect guideline annotator would score under the
PolNeAR metric. The model's spans on the same sentences are scored against both, for scale.

  python benchmarks/span_conventions.py [--model PATH] [--precision P] [--data-root ../shared/data]
"""

from __future__ import annotations

import argparse
import os
from collections import Counter

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import torch  # noqa: E402

import newsstance  # noqa: E402
from newsstance.data.corpora import default_data_root, load_spec  # noqa: E402
from newsstance.data.records import Span, model_inputs  # noqa: E402
from newsstance.eval.span_metrics import span_scores  # noqa: E402


def _shared_sentences(root) -> list[tuple]:
    """(guideline record, PolNeAR record) for the sentences of the doubly annotated articles."""
    guideline = [r for r in load_spec("gold:gold/dev.jsonl", root) if r.doc.startswith("polnear-dev")]
    polnear: dict[tuple[str, str], object] = {}
    for r in load_spec("polnear:polnear/dev", root):
        polnear.setdefault((r.doc, r.text.strip()), r)
    pairs = [(g, polnear.get((g.doc, g.text.strip()))) for g in guideline]
    return [(g, p) for g, p in pairs if p is not None and "skip" not in (g.label, p.label)]


def _row(name: str, texts, reference, predicted) -> str:
    scores = span_scores(texts, reference, predicted)
    exact = scores["exact"]
    return (f"  {name:44s} exact P {exact['precision']:.3f} R {exact['recall']:.3f} F1 {exact['f1']:.3f}"
            f"   (overlap F1 {scores['overlap']['f1']:.3f}; "
            f"{scores['n_gold']} reference, {scores['n_pred']} predicted)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=None)
    ap.add_argument("--precision", default=None)
    ap.add_argument("--data-root", default=None)
    args = ap.parse_args()
    torch.set_num_threads(2)
    root = args.data_root or default_data_root()
    pairs = _shared_sentences(root)
    texts = [g.text for g, _ in pairs]
    print(f"{len(pairs)} scored sentences of {len({g.doc for g, _ in pairs})} PolNeAR dev articles in both annotations")
    labels = Counter((p.label, g.label) for g, p in pairs)
    pairs_of_labels = ", ".join(f"{a} -> {b}: {n}" for (a, b), n in sorted(labels.items()))
    print("labels (PolNeAR conversion -> guideline):", pairs_of_labels)
    model = newsstance.load(args.model, precision=args.precision)
    out = model.spans(*model_inputs([g for g, _ in pairs]))
    for name in ("source", "cue"):
        guideline = [getattr(g, name) for g, _ in pairs]
        polnear = [getattr(p, name) for _, p in pairs]
        predicted = [Span(o[name]["start"], o[name]["end"]) if o[name] else None for o in out]
        print(f"{name}:")
        print(_row("guideline gold, scored against PolNeAR", texts, polnear, guideline))
        print(_row(f"model ({model.precision}), scored against PolNeAR", texts, polnear, predicted))
        print(_row(f"model ({model.precision}), scored against guideline gold", texts, guideline, predicted))


if __name__ == "__main__":
    main()
