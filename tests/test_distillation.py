"""Distillation (issue 15): a teacher's distributions over an unlabelled pool train a student."""

from __future__ import annotations

import pytest
from conftest import tiny_config

from newsstance.errors import ConfigError
from newsstance.model.encoding import TAGS, Encoded, soft_span_tags
from newsstance.train.distillation import TARGETS
from newsstance.train.loop import fit

B_SRC, I_SRC = TAGS.index("B-source"), TAGS.index("I-source")


def test_teacher_tags_follow_the_characters_onto_a_finer_tokenization():
    # Teacher: "Donald" "Trump" "said"; student: "Donald" "Tr" "##ump" "said".
    text_offsets = [(0, 6), (7, 9), (9, 12), (13, 17)]
    student = Encoded([101, 1, 2, 3, 4, 102], [0] * 6, [(0, 0), *text_offsets, (0, 0)], n_target=4)
    b_source = [0.0] * len(TAGS)
    b_source[B_SRC] = 0.9
    b_source[0] = 0.1
    teacher_offsets = [[0, 6], [7, 12], [13, 17]]
    teacher_tags = [b_source, b_source, [1.0, 0, 0, 0, 0]]
    rows = soft_span_tags(student, teacher_offsets, teacher_tags, width=6)
    assert rows[0] == [0.0] * len(TAGS) and rows[5] == [0.0] * len(TAGS)  # outside the target: no loss
    assert rows[2][B_SRC] == pytest.approx(0.9)  # "Tr" starts the teacher's "Trump": may begin a span
    assert rows[3][B_SRC] == 0.0 and rows[3][I_SRC] == pytest.approx(0.9)  # "##ump" continues it
    assert rows[4] == [1.0, 0, 0, 0, 0]


def test_a_student_learns_from_the_teacher_and_reuses_its_labels(data_root, trained, tmp_path):
    overrides = [f"distill.teacher={trained.run_dir / 'best'}", 'distill.pool=["fnc1:fnc1/train_bodies.csv"]',
                 "training.baseline=false"]
    student = fit(tiny_config(data_root, tmp_path / "student", *overrides))
    targets = tmp_path / "student" / TARGETS
    assert (targets / "manifest.json").is_file() and (targets / "chunk-00000" / "dataset_info.json").is_file()
    assert (student.run_dir / "best" / "model.safetensors").is_file()
    # A second run with the same teacher and pool reads the labels instead of running the teacher again.
    stamp = (targets / "chunk-00000" / "dataset_info.json").stat().st_mtime_ns
    fit(tiny_config(data_root, tmp_path / "student", *overrides))
    assert (targets / "chunk-00000" / "dataset_info.json").stat().st_mtime_ns == stamp


def test_a_teacher_with_other_classes_is_refused(data_root, trained, tmp_path):
    config = tiny_config(data_root, tmp_path / "s", f"distill.teacher={trained.run_dir / 'best'}",
                         'distill.pool=["fnc1:fnc1/train_bodies.csv"]', "model.predicts_skip=true")
    with pytest.raises(ConfigError, match="differ from this model's"):
        fit(config)


def test_pool_sentences_without_wordpieces_or_tags_are_kept_without_span_targets():
    from newsstance.train.distillation import SoftTargets

    targets = SoftTargets(["empty", "tagged", "untagged"], [[0.7, 0.1, 0.1, 0.1]] * 3,
                          [[], [[0, 4]], [[0, 4]]], [[], [[0.9, 0.1, 0, 0, 0]], None])
    assert targets["empty"][2].shape == (0, len(TAGS)) and targets["tagged"][2].shape == (1, len(TAGS))
    assert not targets["untagged"][2].any()  # nothing for the span loss to learn from


def test_a_rare_class_in_the_teachers_distribution_weighs_as_it_does_in_the_gold_loss():
    import torch

    from newsstance.train.objective import _kl

    teacher = torch.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])  # a claim row, a denial row
    logits = torch.tensor([[0.0, 0.0, 0.0], [4.0, 0.0, 0.0]])  # unsure on the claim, wrong on the denial
    plain = _kl(teacher, logits)
    assert _kl(teacher, logits, torch.ones(3)) == pytest.approx(plain.item())
    # Denials weighted 3x: the row the student gets wrong counts three times, so the mean loss rises.
    weighted = _kl(teacher, logits, torch.tensor([1.0, 3.0, 1.0]))
    per_row = [-torch.log_softmax(logits[0], -1)[0].item(), -torch.log_softmax(logits[1], -1)[1].item()]
    assert weighted.item() == pytest.approx((per_row[0] + 3 * per_row[1]) / 4, rel=1e-5)
    assert weighted > plain
