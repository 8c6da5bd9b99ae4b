"""The label scheme of ../shared/annotation/GUIDELINE.md: three scored labels and `skip`."""

from __future__ import annotations

# Column order of every probability matrix newsstance returns.
LABELS: tuple[str, ...] = ("claim", "denial", "attribution")
# `skip` marks page furniture (bylines, credits, section labels): kept in data, never scored or trained on.
SKIP = "skip"
ALL_LABELS: tuple[str, ...] = (*LABELS, SKIP)


def head_labels(predicts_skip: bool) -> tuple[str, ...]:
    """The sentence head's classes: the three labels, and `skip` for a model that learns page furniture."""
    return ALL_LABELS if predicts_skip else LABELS
