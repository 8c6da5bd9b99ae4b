"""Who said what in an article: every attribution and denial sentence tied to a speaker, and the
speakers listed with what each claimed or denied.

The sentence-level `source` span stays as the guideline defines it (the words in that sentence, or
none); this layer adds the speaker a reader would name, by two documented rules:
- **Pronoun sources** ("he said") take the nearest preceding named source in the article (a source
  span that is not a pronoun): the usual baseline for attribution coreference. Its accuracy on the
  pronoun sources of the guideline annotations and gold dev is in docs/RESULTS.md
  (benchmarks/pronoun_sources.py).
- **Quotation continuations**: an attribution or denial sentence without a source, right after a
  sentence with a speaker, continues that speaker's quotation when a quotation is open across the
  boundary (the previous sentence opens more quotation marks than it closes, or this one starts
  inside a quotation: it opens with a quotation mark or closes one it did not open).
"""

from __future__ import annotations

import re

PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i", "you", "his", "her", "their", "its", "him", "them",
                      "one", "this", "that"})
REPORTED = ("attribution", "denial")


def is_pronoun(source_text: str) -> bool:
    return source_text.strip().lower() in PRONOUNS


def _quote_balance(text: str) -> int:
    """Opening minus closing quotation marks (straight quotes read by position)."""
    straight = text.count('"')
    curly = len(re.findall("[\u201c]", text)) - len(re.findall("[\u201d]", text))
    if curly:
        return curly
    if straight % 2 == 0:
        return 0
    # An odd number of straight quotes: the last one opens when it is followed by text.
    last = text.rfind('"')
    return 1 if text[last + 1 :].strip() else -1


def _continues_quotation(previous: str, current: str) -> bool:
    stripped = current.lstrip()
    if stripped[:1] in ('"', "\u201c", "\u2018"):
        return True
    return _quote_balance(previous) > 0 or _quote_balance(current) < 0


def attach_speakers(rows: list[dict]) -> list[dict]:
    """Per analyze() row: {"name", "how", "sentence"} (the speaker, named | pronoun | continuation, and
    the index of the sentence that names it), or None for sentences no one is said to have said."""
    speakers: list[dict | None] = []
    last_named: dict | None = None
    for i, row in enumerate(rows):
        speaker = None
        if row["label"] in REPORTED:
            source = (row.get("source") or {}).get("text", "").strip()
            if source and not is_pronoun(source):
                speaker = last_named = {"name": source, "how": "named", "sentence": i}
            elif source and last_named is not None:
                speaker = {"name": last_named["name"], "how": "pronoun", "sentence": last_named["sentence"],
                           "pronoun": source}
            elif not source and i and speakers[i - 1] is not None and \
                    _continues_quotation(rows[i - 1]["text"], row["text"]):
                previous = speakers[i - 1]
                speaker = {"name": previous["name"], "how": "continuation", "sentence": previous["sentence"]}
        speakers.append(speaker)
    return speakers


def _key(name: str) -> str:
    words = name.lower().split()
    return " ".join(words[1:] if words and words[0] in ("the", "a", "an") else words)


def who_said_what(rows: list[dict]) -> list[dict]:
    """Speakers in order of first mention: name, the sentence indices by label, and how each was tied."""
    speakers = attach_speakers(rows)
    groups: dict[str, dict] = {}
    for i, (row, speaker) in enumerate(zip(rows, speakers, strict=True)):
        if speaker is None:
            continue
        group = groups.setdefault(_key(speaker["name"]), {"name": speaker["name"], "sentences": [],
                                                          "attribution": [], "denial": []})
        group["sentences"].append({"index": i, "label": row["label"], "how": speaker["how"]})
        group[row["label"]].append(i)
    return list(groups.values())
