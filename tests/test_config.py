from pathlib import Path

import pytest

from newsstance.config import Config
from newsstance.errors import ConfigError

CONFIGS = sorted((Path(__file__).parent.parent / "configs").glob("*.yaml"))


@pytest.mark.parametrize("path", CONFIGS, ids=[p.name for p in CONFIGS])
def test_every_preset_loads_and_round_trips(path):
    config = Config.from_yaml(path)
    assert Config.from_dict(config.to_dict()) == config
    assert config.training.max_steps > 0


def test_presets_exist():
    assert {p.name for p in CONFIGS} >= {"default.yaml", "tiny.yaml"}


def test_unknown_key_fails_naming_it(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("training:\n  learning_rate: 0.1\n")
    with pytest.raises(ConfigError, match=r"unknown key 'training.learning_rate'"):
        Config.from_yaml(path)


def test_mistyped_value_fails_naming_the_key(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("training:\n  max_steps: many\n")
    with pytest.raises(ConfigError, match=r"training.max_steps: expected int"):
        Config.from_yaml(path)


def test_invalid_choice_and_range(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("training:\n  class_weighting: squared\n")
    with pytest.raises(ConfigError, match=r"class_weighting: expected one of"):
        Config.from_yaml(path)
    path.write_text("training:\n  lr: -1.0\n")
    with pytest.raises(ConfigError, match=r"training.lr must be > 0"):
        Config.from_yaml(path)


def test_overrides_are_typed():
    config = Config.from_yaml(CONFIGS[0], ["training.lr=3e-5", "model.context=false"])
    assert config.training.lr == 3e-5 and config.model.context is False
    with pytest.raises(ConfigError, match=r"unknown key 'model.contxt'"):
        Config.from_yaml(CONFIGS[0], ["model.contxt=false"])


def test_bad_data_spec_in_config():
    with pytest.raises(ConfigError, match=r"unknown kind 'polnaer'"):
        Config.from_dict({"data": {"train": [{"spec": "polnaer:x"}]}})


def test_a_corpus_must_teach_labels_or_spans():
    with pytest.raises(ConfigError, match=r"polnear:x has labels: false and spans: false"):
        Config.from_dict({"data": {"train": [{"spec": "polnear:x", "labels": False, "spans": False}]}})


def test_ema_decay_range():
    with pytest.raises(ConfigError, match=r"training.ema_decay must be in \(0, 1\)"):
        Config.from_yaml(CONFIGS[0], ["training.ema_decay=1.0"])


def test_a_span_only_corpus_must_carry_spans():
    with pytest.raises(ConfigError, match=r"newsdiscourse records carry no spans"):
        Config.from_dict({"data": {"train": [{"spec": "newsdiscourse:x", "labels": False}]}})
