import numpy as np
import pytest

from newsstance.data.records import SentenceRecord, Span
from newsstance.eval import metrics
from newsstance.eval.evaluator import SPEECH, Evaluator
from newsstance.eval.span_metrics import span_scores

GOLD = np.array([0, 0, 1, 1, 2, 2])
PRED = np.array([0, 1, 1, 1, 2, 0])


def test_macro_f1_by_hand():
    # claim: tp1 fp1 fn1 -> 0.5; denial: tp2 fp1 fn0 -> 0.8; attribution: tp1 fp0 fn1 -> 2/3
    assert metrics.macro_f1(GOLD, PRED, 3) == pytest.approx((0.5 + 0.8 + 2 / 3) / 3)


def test_per_label_and_confusion_by_hand():
    per = metrics.per_label(GOLD, PRED, ("claim", "denial", "attribution"))
    assert per["denial"] == {"precision": pytest.approx(2 / 3), "recall": 1.0, "f1": pytest.approx(0.8), "support": 2}
    assert metrics.confusion(GOLD, PRED, 3) == [[1, 1, 0], [0, 2, 0], [1, 0, 1]]


def test_bootstrap_interval_brackets_the_estimate_and_collapses_when_perfect():
    rng = np.random.default_rng(0)
    gold = rng.integers(0, 3, 400)
    pred = np.where(rng.random(400) < 0.8, gold, rng.integers(0, 3, 400))
    lo, hi = metrics.bootstrap_ci(gold, pred, 3, n_resamples=500)
    assert lo < metrics.macro_f1(gold, pred, 3) < hi and hi - lo < 0.15
    assert metrics.bootstrap_ci(gold, gold, 3, n_resamples=100) == (1.0, 1.0)


def test_ece_by_hand():
    gold = np.array([0, 0, 1, 1])
    proba = np.array([[0.9, 0.1, 0], [0.9, 0.1, 0], [0.6, 0.4, 0], [0.4, 0.6, 0]])
    # bin (0.8,0.9]: conf .9, acc 1 -> .1 * 2/4; bin (0.5,0.6]: conf .6, acc .5 -> .1 * 2/4
    assert metrics.reliability(gold, proba)["ece"] == pytest.approx(0.1)


def test_mcnemar_and_paired_difference():
    gold = np.array([0] * 20)
    a = np.array([0] * 20)
    b = np.array([1] * 10 + [0] * 10)
    result = metrics.mcnemar(gold, a, b)
    assert (result["a_right_b_wrong"], result["b_right_a_wrong"]) == (10, 0) and result["p_value"] < 0.01
    diff = metrics.paired_bootstrap_diff(gold, a, b, 3, n_resamples=200)
    assert diff["diff"] > 0 and diff["ci"][0] <= diff["diff"] <= diff["ci"][1]


def test_span_scores_exact_and_overlap():
    texts = ["Iran denies selling drones.", "The ministry said so."]
    gold = [Span(0, 4), Span(0, 12)]
    pred = [Span(0, 4), Span(4, 12)]
    s = span_scores(texts, gold, pred)
    assert s["exact"]["f1"] == pytest.approx(0.5)
    # tokens: gold {Iran} + {The, ministry}; pred {Iran} + {ministry}: P 2/2, R 2/3
    assert s["overlap"]["precision"] == 1.0 and s["overlap"]["recall"] == pytest.approx(2 / 3)


class FixedModel:
    labels = ("claim", "denial", "attribution")

    def __init__(self, proba):
        self.proba = np.asarray(proba)

    def predict_proba(self, texts, before=None, after=None, lede=None):
        return self.proba[: len(texts)]


def _record(i, label):
    return SentenceRecord(f"d#{i}", "d", f"s{i}", "", "", label, None, None, "test")


def test_evaluator_excludes_and_counts_skip_rows():
    ev = Evaluator([_record(0, "claim"), _record(1, "skip"), _record(2, "denial")], n_bootstrap=50)
    result = ev(FixedModel([[0.9, 0.1, 0.0], [0.2, 0.7, 0.1]]))
    assert (result["n"], result["skipped"], result["accuracy"], result["macro_f1"]) == (2, 1, 1.0, 1.0)


def test_speech_view_scores_reported_vs_not():
    ev = Evaluator([_record(0, "claim"), _record(1, "attribution"), _record(2, "denial")], view=SPEECH, n_bootstrap=50)
    # denial predicted as attribution is right under the speech view.
    result = ev(FixedModel([[0.8, 0.1, 0.1], [0.1, 0.2, 0.7], [0.1, 0.3, 0.6]]))
    assert result["labels"] == ["claim", "denial+attribution"] and result["accuracy"] == 1.0


def test_skip_precision_and_recall_by_hand():
    records = [SentenceRecord(f"d#{i}", "d", f"s{i}", "", "", label, None, None, "t")
               for i, label in enumerate(["skip", "skip", "claim", "denial"])]
    result = Evaluator(records).score_skip(np.array([0.9, 0.2, 0.7, 0.1]))
    assert (result["precision"], result["recall"], result["support"], result["predicted"]) == (0.5, 0.5, 2, 2)
