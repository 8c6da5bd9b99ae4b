"""The OpenVINO paths (issue 4's fast CPU inference): close to fp32, and batch-independent."""

import sys

import numpy as np
import pytest

import newsstance
from newsstance.errors import NewsstanceError

TEXTS = ["Iran denies selling drones.", "The ministry said it would respond.", "Rain fell on Friday.",
         "Officials, who spoke on condition of anonymity, said the talks had stalled for weeks."]


@pytest.mark.parametrize("precision", ["openvino", "openvino-int8"])
def test_openvino_paths_stay_close_to_fp32(trained, precision):
    exact = newsstance.load(trained.run_dir / "best", precision="fp32")
    fast = newsstance.load(trained.run_dir / "best", precision=precision)
    assert np.allclose(fast.predict_proba(TEXTS), exact.predict_proba(TEXTS), atol=0.03)
    # The span head runs through the same compiled graph: same fields, offsets inside the text.
    for text, result in zip(TEXTS, fast.spans(TEXTS), strict=True):
        for name in ("source", "cue"):
            if result[name] is not None:
                assert text[result[name]["start"] : result[name]["end"]] == result[name]["text"]


def test_openvino_int8_scores_do_not_depend_on_the_batch(trained):
    # Activations are quantized per token, not per batch: a sentence's scores are the same whether it
    # is predicted alone or with others (PyTorch's and ONNX Runtime's dynamic int8 did not give this).
    model = newsstance.load(trained.run_dir / "best", precision="openvino-int8")
    texts = TEXTS * 5 + [f"Sentence {i} was read out by the senator's office." for i in range(20)]
    together = model.predict_proba(texts)
    alone = np.concatenate([model.predict_proba([t]) for t in texts])
    # 1e-4: on this tiny model ONNX Runtime's per-batch int8 moved probabilities by ~1e-3, this path by 0.
    assert np.allclose(together, alone, atol=1e-4)


def test_int8_compression_covers_every_encoder_layer(trained):
    import torch

    from newsstance.model.openvino_backend import compress_weights, convert

    model = newsstance.load(trained.run_dir / "best", precision="fp32")
    encoder_linear = [m for m in model.network.encoder.modules() if isinstance(m, torch.nn.Linear)]
    assert compress_weights(convert(model.network, int8=False), group=16) == len(encoder_linear) > 0


def test_a_removed_precision_names_its_replacement(trained):
    with pytest.raises(NewsstanceError, match="'onnx-int8' was removed.*use 'openvino-int8'"):
        newsstance.load(trained.run_dir / "best", precision="onnx-int8")


def test_unknown_precision_is_a_clear_error(trained):
    with pytest.raises(NewsstanceError, match="precision 'fp16': expected one of fp32, bf16"):
        newsstance.load(trained.run_dir / "best", precision="fp16")


def test_default_falls_back_to_bf16_where_openvino_cannot_run(trained, monkeypatch, caplog):
    monkeypatch.setitem(sys.modules, "openvino", None)  # as if the package were missing: import fails
    model = newsstance.load(trained.run_dir / "best")
    assert model.precision == "bf16" and "using precision 'bf16' instead" in caplog.text
    assert model.predict(TEXTS[:2])  # and it predicts
    with pytest.raises(NewsstanceError, match="need the openvino package"):
        newsstance.load(trained.run_dir / "best", precision="openvino-int8")  # asked for by name: no fallback
