"""The label scheme of ../shared/annotation/GUIDELINE.md: three scored labels and `skip`."""

from __future__ import annotations

# Column order of every probability matrix newsstance returns.
LABELS: tuple[str, ...] = ("claim", "denial", "attribution")
# `skip` marks page furniture (bylines, credits, section labels): kept in data, never scored or trained on.
SKIP = "skip"
ALL_LABELS: tuple[str, ...] = (*LABELS, SKIP)
