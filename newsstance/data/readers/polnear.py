"""PolNeAR v1.0.0: brat attribution spans projected onto pysbd sentences.

Conversion (docs/DATA_CARD.md): a sentence holding an attribution's cue is `attribution`, or `denial`
when that cue is a rejection verb/noun; a sentence most (> 50%) of whose text is an attribution's
content is `attribution` (quotation continuations); a sentence mostly covered by a `Discard` span is
`skip`; every other sentence is `claim`. Source and cue spans come from the attribution whose cue lies
in the sentence (the denial one first).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from newsstance.data.cues import is_denial_cue
from newsstance.data.readers.brat import BratDocument, parse_ann
from newsstance.data.readers.projection import coverage, project_span
from newsstance.data.records import SentenceRecord, Span
from newsstance.data.segment import document_context, split_sentences
from newsstance.errors import DataFormatError

CONTENT_MAJORITY = 0.5


@dataclass(frozen=True)
class _Attribution:
    source: tuple[tuple[int, int], ...]
    cue: tuple[tuple[int, int], ...]
    content: tuple[tuple[int, int], ...]
    cue_text: str


def doc_id(compartment: str, name: str) -> str:
    return f"polnear-{compartment}-{name}"


def _annotator_files(compartment_dir: Path) -> dict[str, Path]:
    """One .ann file per text. Doubly annotated texts keep the annotator listed in metadata.tsv when
    it is there, else the alphabetically first file, so the choice is deterministic."""
    chosen: dict[str, Path] = {}
    preferred: dict[str, str] = {}
    metadata = compartment_dir.parent / "metadata.tsv"
    if metadata.exists():
        with metadata.open(encoding="utf-8") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                preferred[row["filename"]] = row["annotators"].split(",")[0].strip()
    for ann in sorted((compartment_dir / "attributions").glob("*.ann")):
        name, _, annotator = ann.stem.rpartition("_")
        if name not in chosen or preferred.get(name) == annotator:
            chosen[name] = ann
    return chosen


def read_documents(compartment_dir: Path) -> dict[str, str]:
    """Raw texts of one compartment (train/ or dev/), keyed by document id."""
    text_dir = compartment_dir / "text"
    if not text_dir.is_dir():
        raise DataFormatError(compartment_dir, "not a PolNeAR compartment: it has no text/ folder")
    return {
        doc_id(compartment_dir.name, p.stem): p.read_text(encoding="utf-8")
        for p in sorted(text_dir.glob("*.txt"))
    }


def _attributions(doc: BratDocument) -> list[_Attribution]:
    out = []
    for event in doc.events:
        roles: dict[str, list[tuple[int, int]]] = {"Source": [], "Cue": [], "Content": []}
        cue_text = []
        for role, ref in event.args:
            if role in roles:
                roles[role].extend(doc.spans[ref].fragments)
                if role == "Cue":
                    cue_text.append(doc.spans[ref].text)
        if roles["Cue"] or roles["Content"]:
            out.append(_Attribution(
                tuple(roles["Source"]), tuple(roles["Cue"]), tuple(roles["Content"]), " ".join(cue_text)
            ))
    return out


def _label_sentence(
    start: int, text: str, attributions: list[_Attribution], discard: list[tuple[int, int]]
) -> tuple[str, Span | None, Span | None]:
    if coverage(discard, start, text) > CONTENT_MAJORITY:
        return "skip", None, None
    cued = [a for a in attributions if project_span(a.cue, start, text) is not None]
    if cued:
        cued.sort(key=lambda a: (not is_denial_cue(a.cue_text), project_span(a.cue, start, text).start))
        best = cued[0]
        label = "denial" if is_denial_cue(best.cue_text) else "attribution"
        return label, project_span(best.source, start, text), project_span(best.cue, start, text)
    for a in attributions:
        if coverage(a.content, start, text) > CONTENT_MAJORITY:
            return "attribution", project_span(a.source, start, text), None
    return "claim", None, None


def read_compartment(compartment_dir: Path) -> Iterator[SentenceRecord]:
    """Labelled sentences of a PolNeAR compartment folder holding text/ and attributions/."""
    compartment_dir = Path(compartment_dir)
    texts = read_documents(compartment_dir)
    for name, ann_path in _annotator_files(compartment_dir).items():
        did = doc_id(compartment_dir.name, name)
        if did not in texts:
            raise DataFormatError(ann_path, f"no text file {name}.txt beside this annotation")
        doc = parse_ann(ann_path, texts[did])
        attributions = _attributions(doc)
        discard = [f for s in doc.spans.values() if s.type == "Discard" for f in s.fragments]
        sentences = split_sentences(doc.text)
        plain = [s.text for s in sentences]
        for i, (sent, prev, nxt, lede) in enumerate(zip(sentences, *document_context(plain), strict=True)):
            label, source, cue = _label_sentence(sent.start, sent.text, attributions, discard)
            yield SentenceRecord(
                id=f"{did}#{i}", doc=did, text=sent.text, prev=prev, next=nxt,
                label=label, source=source, cue=cue, origin=f"polnear:{compartment_dir.name}",
                lede=lede,
            )
