"""`newsstance eval` end to end on fixture data: every reader's conversion, outputs, comparison."""

import json

import pytest

from newsstance.cli import main
from newsstance.errors import DataFormatError

SPECS = ["gold:gold/dev.jsonl", "polnear:polnear/dev", "emergent:emergent/emergent.csv",
         "newsclaims:newsclaims/dev.json", "newsdiscourse:newsdiscourse/train"]


@pytest.fixture(scope="module")
def report_dir(trained, data_root, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    args = ["eval", "--model", str(trained.run_dir / "best"), "--data-root", str(data_root), "--out", str(out),
            "--compare", str(trained.run_dir / "best")]
    for spec in SPECS:
        args += ["--data", spec]
    assert main(args) == 0
    return out


def test_report_json_has_one_entry_per_set_with_the_required_fields(report_dir):
    report = json.loads((report_dir / "report.json").read_text())
    sets = {k: v for k, v in report.items() if not k.startswith("_")}
    assert len(sets) == len(SPECS)
    for entry in sets.values():
        for field in ("n", "accuracy", "macro_f1", "macro_f1_ci", "per_label", "confusion", "ece"):
            assert field in entry
        lo, hi = entry["macro_f1_ci"]
        assert lo <= entry["macro_f1"] + 1e-9 and entry["macro_f1"] <= hi + 1e-9


def test_each_reader_is_converted_and_scored_on_what_it_can_judge(report_dir):
    report = json.loads((report_dir / "report.json").read_text())
    by_spec = {v["spec"]: v for k, v in report.items() if not k.startswith("_")}
    assert by_spec["gold:gold/dev.jsonl"]["n"] == 7 and by_spec["gold:gold/dev.jsonl"]["skipped"] == 1
    assert by_spec["polnear:polnear/dev"]["n"] == 5 and by_spec["polnear:polnear/dev"]["skipped"] == 1
    assert by_spec["emergent:emergent/emergent.csv"]["n"] == 3
    assert by_spec["newsclaims:newsclaims/dev.json"]["n"] == 3
    nd = by_spec["newsdiscourse:newsdiscourse/train"]
    assert nd["view"] == "speech" and nd["labels"] == ["claim", "denial+attribution"] and nd["n"] == 3
    assert by_spec["polnear:polnear/dev"]["spans"]["source"]["n_gold"] >= 2


def test_outputs_and_self_comparison(report_dir):
    for name in ("report.md", "errors.jsonl"):
        assert (report_dir / name).exists()
    assert len(list(report_dir.glob("*_confusion.png"))) == len(SPECS)
    assert len(list(report_dir.glob("*_reliability.png"))) == len(SPECS)
    report = json.loads((report_dir / "report.json").read_text())
    gold = next(v for k, v in report.items() if k.startswith("gold"))
    assert gold["compare"]["paired_bootstrap"]["diff"] == 0.0 and gold["compare"]["mcnemar"]["p_value"] == 1.0
    for line in (report_dir / "errors.jsonl").read_text().splitlines():
        err = json.loads(line)
        assert err["gold"] != err["predicted"] and "text" in err and "prev" in err


def test_malformed_data_file_names_file_and_line(trained, tmp_path):
    bad = tmp_path / "broken.jsonl"
    bad.write_text('{"id": "a#0", "text": "Fine.", "label": "claim"}\n{"id": "a#1", "text": \n')
    with pytest.raises(DataFormatError, match=r"broken.jsonl, line 2: invalid JSON"):
        from newsstance.cli import build_parser
        from newsstance.eval.harness import run_eval

        run_eval(build_parser().parse_args(["eval", "--model", str(trained.run_dir / "best"),
                                            "--data", f"gold:{bad}", "--out", str(tmp_path / "r")]))
    assert main(["eval", "--model", str(trained.run_dir / "best"), "--data", f"gold:{bad}",
                 "--out", str(tmp_path / "r")]) == 2
