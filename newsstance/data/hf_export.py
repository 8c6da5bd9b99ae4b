"""`newsstance data export --out DIR`: every converted corpus and the guideline annotations (joined to
their texts) as one Hugging Face `DatasetDict`, with a dataset card.

  DIR/dataset_dict.json, DIR/<split>/   `datasets.load_from_disk(DIR)`; `hf:DIR/<split>` as a data spec
                                        (data/readers/hf_dataset.py)
  DIR/data/<split>.parquet              the same rows as Parquet, for `load_dataset("parquet", ...)` or a Hub repo
  DIR/README.md                         the card: sources, licences, label conversions, counts
The corpora are not redistributed by newsstance; an export made from a user's own copies stays theirs.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

from newsstance.atomic import replace_dir
from newsstance.data.corpora import load_spec
from newsstance.data.corpus_cache import COLUMNS, features, to_columns
from newsstance.data.labels import ALL_LABELS
from newsstance.data.records import SentenceRecord
from newsstance.data.stats import STANDARD_SPECS

SOURCES = {
    "gold": ("newsstance gold dev: guideline-annotated FNC-1 and PolNeAR dev articles", "this project's annotation"),
    "guideline": ("newsstance guideline annotations of FNC-1 train bodies, PolNeAR train and NewsDiscourse train "
                  "(two rounds; the Rulings applied)", "annotations: this project's (MIT); texts: their corpora's"),
    "polnear": ("PolNeAR v1.0.0 (Newell et al., LREC 2018), github.com/networkdynamics/PolNeAR",
                "no licence stated (research corpus)"),
    "emergent": ("Emergent (Ferreira & Vlachos, NAACL 2016), file from github.com/thanhan/fc-aaai18", "MIT"),
    "newsclaims": ("NewsClaims (Reddy et al. 2022)", "no licence stated"),
    "newsdiscourse": ("NewsDiscourse (Choubey et al., ACL 2020), github.com/prafulla77/Discourse_Profiling",
                      "no licence stated"),
}
CONVERSIONS = {
    "gold": "labelled by the guideline itself",
    "guideline": "labelled by the guideline itself",
    "polnear": "a sentence holding an attribution's cue is attribution (denial when the cue is a rejection word); "
               "one mostly covered by an attribution's content is attribution; mostly Discard is skip; else claim",
    "emergent": "article headline stance: for -> claim, against -> denial, observing -> attribution",
    "newsclaims": "has_claimer false -> claim, true -> attribution; stance Refute -> denial; claimer as source span",
    "newsdiscourse": "Speech -> attribution (denial with a rejection cue); NA -> skip; other content types -> claim",
}


def split_name(spec: str) -> str:
    kind, _, path = spec.partition(":")
    stem = Path(path).stem if path else ""
    stem = {"url-versions-2015-06-14-clean-train": "train"}.get(stem, stem)
    return re.sub(r"[^a-z0-9]+", "_", f"{kind}_{stem}".lower()).strip("_")


def _features():
    import datasets

    text = datasets.Value("string")
    return datasets.Features({**features(), "source_text": text, "cue_text": text})


def _columns(records: list[SentenceRecord]) -> dict[str, list]:
    columns = to_columns(records)
    columns["source_text"] = [r.source.text_in(r.text) if r.source else None for r in records]
    columns["cue_text"] = [r.cue.text_in(r.text) if r.cue else None for r in records]
    return columns


def export(data_root: Path, out: Path, specs: tuple[str, ...] = STANDARD_SPECS) -> dict[str, Counter]:
    """Write the DatasetDict, its Parquet copy and its card; returns the label counts per split."""
    import datasets

    datasets.disable_progress_bars()
    splits, counts, kinds = {}, {}, {}
    for spec in specs:
        records = load_spec(spec, data_root)
        name = split_name(spec)
        splits[name] = datasets.Dataset.from_dict(_columns(records), features=_features())
        counts[name] = Counter(r.label for r in records)
        kinds[name] = spec
    tmp = out.with_name(out.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    dataset = datasets.DatasetDict(splits)
    dataset.save_to_disk(str(tmp))
    (tmp / "data").mkdir()
    for name, split in splits.items():
        split.to_parquet(str(tmp / "data" / f"{name}.parquet"))
    (tmp / "README.md").write_text(card(kinds, counts), encoding="utf-8")
    replace_dir(tmp, out)
    return counts


def card(kinds: dict[str, str], counts: dict[str, Counter]) -> str:
    configs = "\n".join(f"  - split: {name}\n    path: data/{name}.parquet" for name in kinds)
    total = sum(sum(c.values()) for c in counts.values())
    lines = ["---", "language: en", "task_categories: [text-classification, token-classification]",
             "pretty_name: newsstance corpora (claim, denial, attribution)", "configs:", "- config_name: default",
             "  data_files:", configs, "---", "",
             "# newsstance corpora: claim, denial, attribution", "",
             f"{total:,} news sentences from {len(kinds)} sets, each converted to the labels of the newsstance "
             "annotation guideline: **claim** (the writer asserts it), **denial** (a proposition is rejected), "
             "**attribution** (a source is reported), **skip** (page furniture, not scored). `source_*` and "
             "`cue_*` are character spans into `text` (who holds the proposition, and the words that say so). "
             "Written by `newsstance data export` from the user's own copies of the corpora.", "",
             "| split | spec | " + " | ".join(ALL_LABELS) + " | total | source | licence | conversion |",
             "|---|---|" + "---|" * len(ALL_LABELS) + "---|---|---|---|"]
    for name, spec in kinds.items():
        kind = spec.partition(":")[0]
        source, licence = SOURCES[kind]
        c = counts[name]
        lines.append(f"| {name} | `{spec}` | " + " | ".join(str(c[label]) for label in ALL_LABELS)
                     + f" | {sum(c.values())} | {source} | {licence} | {CONVERSIONS[kind]} |")
    lines += ["", "Columns: " + ", ".join(f"`{c}`" for c in (*COLUMNS, "source_text", "cue_text")) + ".", "",
              "The public corpora's test splits are not included. gold_dev is for development only: never train "
              "on it or on its articles."]
    return "\n".join(lines) + "\n"
