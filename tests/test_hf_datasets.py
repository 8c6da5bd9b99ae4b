"""`newsstance data export` and the `hf:PATH` data spec (issue 16): the corpora as a Hugging Face
DatasetDict that loads back with the same records, and trains and evaluates like the originals."""

from __future__ import annotations

import datasets
import pytest
from conftest import tiny_config

from newsstance.data.corpora import load_spec
from newsstance.data.hf_export import export
from newsstance.errors import DataFormatError
from newsstance.train.loop import fit

SPECS = ("gold:gold/dev.jsonl", "guideline:guideline", "polnear:polnear/train", "emergent:emergent/emergent.csv")


@pytest.fixture(scope="module")
def exported(data_root, tmp_path_factory):
    out = tmp_path_factory.mktemp("export") / "corpora"
    counts = export(data_root, out, SPECS)
    return out, counts


def test_the_export_loads_back_with_every_record(exported, data_root):
    out, counts = exported
    loaded = datasets.load_from_disk(str(out))
    assert set(loaded) == {"gold_dev", "guideline_guideline", "polnear_train", "emergent_emergent"}
    assert {name: len(split) for name, split in loaded.items()} == {k: sum(c.values()) for k, c in counts.items()}
    assert load_spec(f"hf:{out}/gold_dev", data_root) == load_spec("gold:gold/dev.jsonl", data_root)
    assert load_spec(f"hf:{out}/polnear_train", data_root) == load_spec("polnear:polnear/train", data_root)
    parquet = datasets.load_dataset("parquet", data_files=str(out / "data" / "gold_dev.parquet"), split="train")
    assert len(parquet) == len(loaded["gold_dev"])
    card = (out / "README.md").read_text()
    assert card.startswith("---\n") and "| gold_dev |" in card and "licence" in card


def test_training_and_evaluation_take_an_hf_spec(exported, data_root, tmp_path):
    out, _ = exported
    config = tiny_config(data_root, tmp_path / "run", f'data.train=[{{spec: "hf:{out}/guideline_guideline"}}]',
                         f"data.dev=hf:{out}/gold_dev", "training.baseline=false")
    result = fit(config)
    assert result.best_dev["n"] == 7  # the fixture's scored gold rows, read from the export


def test_a_dataset_dict_needs_a_split_named(exported, data_root):
    out, _ = exported
    with pytest.raises(DataFormatError, match="name one, e.g. hf:"):
        load_spec(f"hf:{out}", data_root)


def test_an_export_from_before_the_lede_column_still_loads(exported, data_root, tmp_path):
    out, _ = exported
    old = datasets.load_from_disk(str(out))["gold_dev"].remove_columns("lede")
    old.save_to_disk(str(tmp_path / "old"))
    records = load_spec(f"hf:{tmp_path / 'old'}", data_root)
    assert [r.text for r in records] == [r.text for r in load_spec("gold:gold/dev.jsonl", data_root)]
    assert {r.lede for r in records} == {""}
