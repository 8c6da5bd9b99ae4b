"""NewsDiscourse: one sentence per `S<n>` line, content-type and `Speech` tags in the brat file.

Conversion (docs/DATA_CARD.md): `NA` sentences are `skip`; a `Speech` sentence is `denial` when it
mentions a rejection (denial cue lexicon) and `attribution` otherwise; the rest are `claim`. The
lexicon is applied to speech sentences only: on the others a read sample showed it mostly catching
other senses ("a court rejected the appeal", "denied permission", legal "disputes"). Documents with no
`Speech` tag at all are left out: the speech layer was not annotated on them (e.g. Reuters_22 S4 is a
direct quotation without the tag), so their sentences would teach "quote = claim".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from newsstance.data.cues import mentions_rejection
from newsstance.data.readers.brat import parse_ann
from newsstance.data.records import SentenceRecord
from newsstance.data.segment import document_context
from newsstance.errors import DataFormatError

_SENTENCE_LINE = re.compile(r"^(S\d+)\s+(.*\S)\s*$")


@dataclass(frozen=True)
class NDSentence:
    marker: str
    text: str
    start: int  # offset of the sentence text in the .txt file


def doc_id(split_dir: Path, txt: Path) -> str:
    folder = txt.parent.relative_to(split_dir)
    parts = [split_dir.name, *folder.parts, txt.stem]
    return "newsdiscourse-" + "-".join(parts)


def sentences_of(text: str) -> list[NDSentence]:
    out, pos = [], 0
    for line in text.splitlines(keepends=True):
        if m := _SENTENCE_LINE.match(line.rstrip("\r\n")):
            out.append(NDSentence(m.group(1), m.group(2), pos + m.start(2)))
        pos += len(line)
    return out


def read_documents(split_dir: Path) -> dict[str, str]:
    split_dir = Path(split_dir)
    if not split_dir.is_dir():
        raise DataFormatError(split_dir, "NewsDiscourse split folder not found")
    return {doc_id(split_dir, p): p.read_text(encoding="utf-8") for p in sorted(split_dir.rglob("*.txt"))}


def _tags_by_marker(ann: Path, text: str) -> dict[str, set[str]]:
    tags: dict[str, set[str]] = {}
    for span in parse_ann(ann, text).spans.values():
        tags.setdefault(span.text.strip(), set()).add(span.type)
    return tags


def convert(tags: set[str], text: str) -> str:
    if "NA" in tags:
        return "skip"
    if "Speech" not in tags:
        return "claim"
    return "denial" if mentions_rejection(text) else "attribution"


def read_split(split_dir: Path) -> Iterator[SentenceRecord]:
    """Labelled sentences of a split folder (train/ or validation/), documents without speech tags left out."""
    split_dir = Path(split_dir)
    for txt in sorted(split_dir.rglob("*.txt")):
        ann = txt.with_suffix(".ann")
        if not ann.exists():
            raise DataFormatError(txt, "no .ann file beside this text")
        text = txt.read_text(encoding="utf-8")
        tags = _tags_by_marker(ann, text)
        if not any("Speech" in t for t in tags.values()):
            continue
        did = doc_id(split_dir, txt)
        sents = sentences_of(text)
        texts = [s.text for s in sents]
        for i, (s, prev, nxt, lede) in enumerate(zip(sents, *document_context(texts), strict=True)):
            if s.marker not in tags:
                raise DataFormatError(ann, f"sentence {s.marker} has no label", field=s.marker)
            yield SentenceRecord(
                id=f"{did}#{i}", doc=did, text=s.text, prev=prev, next=nxt,
                label=convert(tags[s.marker], s.text), source=None, cue=None,
                origin=f"newsdiscourse:{split_dir.name}", lede=lede,
            )
