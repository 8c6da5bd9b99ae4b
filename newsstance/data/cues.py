"""Cue lexicons from the guideline's decision procedure.

Used where a corpus has no denial label of its own (PolNeAR cues, NewsDiscourse sentences) and by the
cue-lexicon rule baseline. Word forms are listed explicitly rather than stemmed so that "disputed"
matches but "dispute is erupting" (a noun sense the guideline calls claim) can be told apart by context
rules in the callers.
"""

from __future__ import annotations

import re

# Verbs and nouns that report a rejection (guideline step 1).
DENIAL_CUE_WORDS = (
    "deny", "denies", "denied", "denying", "denial", "denials",
    "reject", "rejects", "rejected", "rejecting", "rejection",
    "dismiss", "dismisses", "dismissed", "dismissing",
    "refute", "refutes", "refuted", "refuting",
    "rebut", "rebuts", "rebutted", "rebutting", "rebuttal",
    "dispute", "disputes", "disputed", "disputing",
    "debunk", "debunks", "debunked", "debunking",
    "disavow", "disavows", "disavowed", "disavowing",
    "contradict", "contradicts", "contradicted",
)
# Words calling a proposition false (guideline step 1, writer's or source's voice).
FALSITY_WORDS = (
    "false", "untrue", "not true", "fake", "baseless", "hoax", "a lie", "lies", "fabricated",
    "unfounded", "no evidence", "not accurate", "inaccurate", "myth", "misleading",
)
# Reporting expressions (guideline step 2).
ATTRIBUTION_CUE_WORDS = (
    "said", "says", "say", "saying", "claimed", "claims", "claim", "alleged", "alleges", "allegedly",
    "told", "tells", "wrote", "writes", "reported", "reports", "reportedly", "announced", "announces",
    "accused", "accuses", "warned", "warns", "according to", "citing", "cited", "stated", "states",
    "added", "adds", "insisted", "insists", "argued", "argues", "believes", "believed", "suggested",
    "suggests", "found", "showed", "shows", "revealed", "reveals", "confirmed", "confirms", "explained",
    "noted", "notes", "asserted", "acknowledged", "admitted", "testified", "tweeted", "posted",
    "estimated", "predicted", "expects", "expected", "poll", "survey", "study",
)
# "X declined to comment", "X refused to disavow Y" are claims by the guideline's hard cases.
_NOT_DENIAL = re.compile(r"\b(refus\w*|declin\w*) to (disavow|deny|comment|dismiss|reject)\b", re.I)


def _compile(words: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = sorted((re.escape(w).replace(r"\ ", r"\s+") for w in words), key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(alternatives) + r")\b", re.I)


DENIAL_CUE = _compile(DENIAL_CUE_WORDS)
FALSITY = _compile(FALSITY_WORDS)
ATTRIBUTION_CUE = _compile(ATTRIBUTION_CUE_WORDS)


def is_denial_cue(cue_text: str) -> bool:
    """True when an annotated cue (e.g. a PolNeAR Cue span) is itself a rejection verb or noun."""
    return bool(DENIAL_CUE.search(cue_text)) and not _NOT_DENIAL.search(cue_text)


def mentions_rejection(sentence: str) -> bool:
    """True when a sentence contains a rejection verb or calls something false (no cue annotation)."""
    if _NOT_DENIAL.search(sentence):
        return False
    return bool(DENIAL_CUE.search(sentence) or FALSITY.search(sentence))


def mentions_reporting(sentence: str) -> bool:
    return bool(ATTRIBUTION_CUE.search(sentence))
