"""Does a sentence's prediction depend on the sentences batched with it? (Not a test: prints figures.)

Predicts the same PolNeAR dev sentences in one call, in article-sized calls, and one at a time, for
each numeric path, and prints how many labels change and the largest probability change.

  python benchmarks/batch_invariance.py [--model PATH] [--data-root ../shared/data] [--n 2000]
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402

import newsstance  # noqa: E402
from newsstance.data.corpora import default_data_root, load_spec  # noqa: E402


def _in_calls(model, texts: list[str], size: int) -> np.ndarray:
    return np.concatenate([model.predict_proba(texts[i : i + size]) for i in range(0, len(texts), size)])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=None)
    ap.add_argument("--data-root", default=None)
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--single", type=int, default=300, help="sentences also predicted one at a time")
    ap.add_argument("--precisions", default="bf16,fp32,openvino,openvino-int8")
    args = ap.parse_args()
    torch.set_num_threads(2)
    root = args.data_root or default_data_root()
    texts = [r.text for r in load_spec("polnear:polnear/dev", root) if r.label != "skip"][: args.n]
    print(f"{len(texts)} PolNeAR dev sentences: one call vs calls of 25, and {args.single} one at a time")
    for precision in args.precisions.split(","):
        model = newsstance.load(args.model, precision=precision)
        together = model.predict_proba(texts)
        chunked = _in_calls(model, texts, 25)
        single = _in_calls(model, texts[: args.single], 1)
        flips = int((together.argmax(1) != chunked.argmax(1)).sum())
        flips_single = int((together[: args.single].argmax(1) != single.argmax(1)).sum())
        print(f"{precision:9s}: calls of 25: {flips} labels change (max |dp| {np.abs(together - chunked).max():.4f}); "
              f"one at a time: {flips_single} change (max |dp| {np.abs(together[: args.single] - single).max():.4f})")


if __name__ == "__main__":
    main()
