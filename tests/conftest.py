"""Shared fixtures: a small data root written by the tests, and a tiny random BERT encoder."""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
FIXTURES = Path(__file__).parent / "fixtures"

POLNEAR_TEXT = """Senator Smith denies taking bribes.

The senator said on Monday that he never took money from lobbyists. He had refused every offer.

"I have always been honest. Every voter knows that," he added.

The vote is scheduled for Tuesday. Read the rest here.
"""


def _at(needle: str, after: str = "") -> str:
    """'start end' of `needle` in POLNEAR_TEXT, searching from the first occurrence of `after`."""
    i = POLNEAR_TEXT.index(needle, POLNEAR_TEXT.index(after) if after else 0)
    return f"{i} {i + len(needle)}"


# E2's content crosses a sentence boundary; the annotator note runs over two lines.
POLNEAR_ANN = f"""T1\tCue {_at("denies")}\tdenies
T2\tAttribution {_at("denies")}\tdenies
T3\tContent {_at("taking bribes")}\ttaking bribes
T4\tSource {_at("Senator Smith")}\tSenator Smith
E1\tAttribution:T2 Content:T3 Cue:T1 Source:T4
T5\tCue {_at("said")}\tsaid
T6\tAttribution {_at("said")}\tsaid
T7\tContent {_at("he never took money from lobbyists. He had refused every offer")}\the never ...
T8\tSource {_at("The senator")}\tThe senator
E2\tAttribution:T6 Content:T7 Cue:T5 Source:T8
T9\tCue {_at("added")}\tadded
T10\tAttribution {_at("added")}\tadded
T11\tContent {_at("I have always been honest. Every voter knows that,")}\tI have always been honest.
T12\tSource {_at("he", "honest")}\the
E3\tAttribution:T10 Content:T11 Cue:T9 Source:T12
T13\tDiscard {_at("Read the rest here.")}\tRead the rest here.
#1\tAnnotatorNotes T2\tShould the note
continue on a second line?
"""
ND_TEXT = """URL https://example.org/story

H Minister denies report

S1 The minister denied the report on Monday.
S2 "We did nothing wrong," he said, denying the report.

S3 Parliament meets next week.
S4 Editing by Jane Doe
"""


# Two invented FNC-1-style bodies; guideline/annotations.jsonl holds stand-off offsets into bodies 7 and 8
# (and its SHA-256), so any change here must be mirrored there.
FNC1_BODIES = {
    "7": "Rumours spread that the singer had died. His agent denied the report on Sunday. "
         "\"He is alive and well,\" she said.\n\nThe hoax began on a fake news site.",
    "8": "The U.S. Senate voted on Tuesday. Officials said the bill would pass.",
}


def _nd_ann(text: str, tags: list[tuple[str, list[str]]]) -> str:
    lines, n = [], 0
    for marker, labels in tags:
        i = text.index(marker + " ")
        for label in labels:
            n += 1
            lines += [f"T{n}\t{label} {i} {i + len(marker)}\t{marker}", f"E{n}\t{label}:T{n} "]
    return "\n".join(lines) + "\n"


def write_data_root(root: Path) -> Path:
    shutil.copytree(FIXTURES / "data", root)
    (root / "fnc1").mkdir()
    with (root / "fnc1" / "train_bodies.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["Body ID", "articleBody"])
        writer.writerows(FNC1_BODIES.items())
    for compartment in ("train", "dev"):
        folder = root / "polnear" / compartment
        (folder / "text").mkdir(parents=True)
        (folder / "attributions").mkdir()
        (folder / "text" / "story-one.txt").write_text(POLNEAR_TEXT, encoding="utf-8")
        (folder / "attributions" / "story-one_ab12.ann").write_text(POLNEAR_ANN, encoding="utf-8")
    nd = root / "newsdiscourse" / "train" / "Politics"
    nd.mkdir(parents=True)
    (nd / "Story_1.txt").write_text(ND_TEXT, encoding="utf-8")
    (nd / "Story_1.ann").write_text(
        _nd_ann(ND_TEXT, [("S1", ["Main"]), ("S2", ["Main", "Speech"]), ("S3", ["Distant_Evaluation"]),
                          ("S4", ["NA"])]),
        encoding="utf-8")
    # No Speech tag anywhere: the speech layer was not annotated, so the reader leaves it out.
    (nd / "NoSpeech_2.txt").write_text("S1 Markets rose on Friday.\n", encoding="utf-8")
    (nd / "NoSpeech_2.ann").write_text("T1\tMain 0 2\tS1\nE1\tMain:T1 \n", encoding="utf-8")
    return root


@pytest.fixture(scope="session", autouse=True)
def model_cache(tmp_path_factory) -> Path:
    """Compiled test networks go to a temp folder, not the user's ~/.cache/newsstance."""
    path = tmp_path_factory.mktemp("model_cache")
    os.environ["NEWSSTANCE_CACHE"] = str(path)
    return path


@pytest.fixture(scope="session")
def data_root(tmp_path_factory) -> Path:
    return write_data_root(tmp_path_factory.mktemp("data") / "root")


TINY_CONFIG = Path(__file__).parent.parent / "configs" / "tiny.yaml"


def tiny_config(data_root: Path, out: Path, *overrides: str):
    """configs/tiny.yaml pointed at the fixture data root and encoder."""
    from newsstance.config import Config

    return Config.from_yaml(TINY_CONFIG, [
        f"data.root={data_root}", f"training.output_dir={out}",
        'data.train=[{spec: "guideline:guideline"}, {spec: "polnear:polnear/train"}]',
        f"model.encoder={FIXTURES / 'tiny_encoder'}", *overrides])


@pytest.fixture(scope="session")
def trained(data_root, tmp_path_factory):
    """A tiny random BERT trained for six steps on the fixture data (a few seconds)."""
    from newsstance.train.loop import fit

    return fit(tiny_config(data_root, tmp_path_factory.mktemp("run")))


def copy_model(model_dir: Path, dst: Path, meta: dict | None = None) -> Path:
    """A copy of a saved model at `dst`, with `meta` written into its config.json: how the tests give a
    model the decoding choices (temperature, span cut-offs) that shipping would store, or break it."""
    import json

    shutil.copytree(model_dir, dst, dirs_exist_ok=True)  # a test may re-copy over its last copy
    if meta:
        stored = json.loads((dst / "config.json").read_text())
        (dst / "config.json").write_text(json.dumps(stored | meta))
    return dst


@pytest.fixture(scope="session")
def tiny_model(trained):
    import newsstance

    return newsstance.load(trained.run_dir / "best")


@pytest.fixture(scope="session")
def lede_model(data_root, tmp_path_factory):
    """The tiny model trained to read each article's first sentence too (model.lede)."""
    import newsstance
    from newsstance.train.loop import fit

    result = fit(tiny_config(data_root, tmp_path_factory.mktemp("lede"), "model.lede=true"))
    return newsstance.load(result.run_dir / "best")


def exported_and_own_labels(model: str | Path, out: Path, texts: list[str]) -> tuple[list[str], list[str]]:
    """`newsstance export --format transformers` of `model` into `out`; then the labels transformers'
    pipeline gives `texts` from the export, and the labels newsstance's own fp32 path gives them."""
    import numpy as np
    from transformers import pipeline

    import newsstance
    from newsstance.cli import main
    from newsstance.data.labels import head_labels

    assert main(["export", "--format", "transformers", str(out), "--model", str(model)]) == 0
    own = newsstance.load(model, precision="fp32")
    expected = [head_labels(own.predicts_skip)[int(np.argmax(d["head"]))] for d in own.distributions(texts)]
    classify = pipeline("text-classification", model=str(out), device="cpu")
    return [o["label"] for o in classify(texts)], expected
