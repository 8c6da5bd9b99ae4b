"""Project document-level span fragments onto one sentence.

Rules (documented in docs/DATA_CARD.md):
- a fragment that crosses the sentence boundary is clipped to the sentence;
- of a discontinuous span ("dismissed ... as fabricated"), the first fragment inside the sentence is
  kept, as the guideline keeps only the head ("dismissed");
- leading/trailing whitespace and punctuation-only remainders are trimmed away; an empty result is None.
"""

from __future__ import annotations

from collections.abc import Iterable

from newsstance.data.records import Span

_TRIM = " \t\n\r\"'“”‘’,.;:"


def project_span(fragments: Iterable[tuple[int, int]], sent_start: int, sent_text: str) -> Span | None:
    sent_end = sent_start + len(sent_text)
    for start, end in sorted(fragments):
        lo, hi = max(start, sent_start), min(end, sent_end)
        if lo >= hi:
            continue
        lo, hi = lo - sent_start, hi - sent_start
        while lo < hi and sent_text[lo] in _TRIM:
            lo += 1
        while hi > lo and sent_text[hi - 1] in _TRIM:
            hi -= 1
        if lo < hi:
            return Span(lo, hi)
    return None


def coverage(fragments: Iterable[tuple[int, int]], sent_start: int, sent_text: str) -> float:
    """Share of the sentence's non-space characters covered by the fragments (0..1)."""
    covered = [False] * len(sent_text)
    for start, end in fragments:
        for i in range(max(start, sent_start), min(end, sent_start + len(sent_text))):
            covered[i - sent_start] = True
    chars = [c for c, ch in zip(covered, sent_text, strict=True) if not ch.isspace()]
    return sum(chars) / len(chars) if chars else 0.0
