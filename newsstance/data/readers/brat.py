"""brat standoff (.ann) parsing shared by the PolNeAR and NewsDiscourse readers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from newsstance.errors import DataFormatError

_TEXT_BOUND = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t?(.*)$")
_EVENT = re.compile(r"^(E\d+)\t(\S+)((?: \S+:\S+)*)\s*$")
# Annotation kinds we read past: relations, attributes, normalisations, notes.
_OTHER = re.compile(r"^([RAMN*]\d*|#\d*)\t")


@dataclass(frozen=True)
class TextBound:
    id: str
    type: str
    fragments: tuple[tuple[int, int], ...]
    text: str


@dataclass(frozen=True)
class Event:
    id: str
    type: str
    trigger: str
    args: tuple[tuple[str, str], ...]  # (role, text-bound id)


@dataclass(frozen=True)
class BratDocument:
    text: str
    spans: dict[str, TextBound]
    events: list[Event]


def parse_ann(path: Path, text: str) -> BratDocument:
    """Parse `path` against its document `text`; errors name the file, line and field."""
    spans: dict[str, TextBound] = {}
    events: list[Event] = []
    in_free_text = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        if m := _TEXT_BOUND.match(line):
            in_free_text = True
            fragments = tuple(tuple(map(int, f.split())) for f in m.group(3).split(";"))
            for start, end in fragments:
                if not 0 <= start <= end <= len(text):
                    raise DataFormatError(
                        path, f"span {start}-{end} lies outside the text ({len(text)} characters)",
                        line=number, field="offsets",
                    )
            spans[m.group(1)] = TextBound(m.group(1), m.group(2), fragments, m.group(4))
        elif m := _EVENT.match(line):
            in_free_text = False
            trigger_type, _, trigger = m.group(2).partition(":")
            args = tuple(tuple(a.split(":", 1)) for a in m.group(3).split())
            events.append(Event(m.group(1), trigger_type, trigger, args))
        elif _OTHER.match(line):
            in_free_text = line.startswith("#")
        elif not in_free_text:
            # PolNeAR's span texts and AnnotatorNotes copy newlines from the document, so a line
            # after a T or # line may continue its free text; anywhere else it is malformed.
            raise DataFormatError(path, f"not a brat annotation line: {line[:60]!r}", line=number)
    for event in events:
        for role, ref in event.args:
            if ref not in spans:
                raise DataFormatError(path, f"event {event.id} refers to unknown span {ref}", field=role)
    return BratDocument(text, spans, events)
