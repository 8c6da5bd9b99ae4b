"""Sentences (+ neighbours) -> token ids, and character spans <-> token tags.

Input layout: [CLS] target [SEP] tail-of-previous [SEP] head-of-next [SEP] head-of-lede [SEP], token
type 0 for the target and 1 for the context; the lede segment (the document's first sentence) only for
a model that reads it. The target comes first so that its tokens keep their positions whatever the
context, and truncation takes from the context before the target. A target longer
than the window is truncated: its first `max_length - 2` wordpieces decide the label (documented
in the README); spans beyond the window are not found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

import torch

from newsstance.data.records import Span

# BIO tags over target wordpieces for the source and cue spans.
TAGS: tuple[str, ...] = ("O", "B-source", "I-source", "B-cue", "I-cue")
SPAN_NAMES: tuple[str, ...] = ("source", "cue")
IGNORE = -100
# A token belongs to a span when P(B) + P(I) exceeds this; chosen on PolNeAR dev (docs/RESULTS.md). A
# shipped model may store its own per span type, chosen on cross-validation (eval/span_cutoffs.py).
SPAN_THRESHOLD = 0.3


class SpanCutoff(NamedTuple):
    """The span decoder's two cut-offs for one span type, on P(B) + P(I) of each wordpiece."""

    extent: float = SPAN_THRESHOLD  # a wordpiece above it is inside a span: how far a span reaches
    # A run of inside wordpieces is kept only if one of them is above this: whether there is a span at
    # all. Set higher than `extent`, it drops the runs the tagger is nowhere sure of, where raising the
    # extent instead would also cut the weaker ends of the runs it keeps ("according" of "according to").
    peak: float = SPAN_THRESHOLD


DEFAULT_CUTOFF = SpanCutoff()
# Punctuation that separates words rather than belonging to them, trimmed from a decoded span's edges.
# Closing brackets and full stops stay: "(D-N.Y.)" and "Mr." end in them.
_TRAILING_SEPARATORS = frozenset(",;:-\u2013\u2014([")
_LEADING_SEPARATORS = frozenset(",;:-\u2013\u2014)]")


@dataclass
class Encoded:
    input_ids: list[int]
    token_type_ids: list[int]
    offsets: list[tuple[int, int]]  # per target token: character span in the target; (0, 0) otherwise
    n_target: int  # target wordpieces actually kept


def _pieces(tokenizer, texts: list[str]) -> list[tuple[list[int], list[tuple[int, int]]]]:
    enc = tokenizer(texts, add_special_tokens=False, return_offsets_mapping=True, truncation=False)
    return list(zip(enc["input_ids"], enc["offset_mapping"], strict=True))


def encode_batch(
    tokenizer, texts: list[str], prevs: list[str] | None, nexts: list[str] | None,
    max_length: int, context_tokens: int, ledes: list[str] | None = None,
) -> list[Encoded]:
    use_context = prevs is not None and nexts is not None and context_tokens > 0
    use_lede = ledes is not None and context_tokens > 0
    # Within an article the context strings are the targets again (a sentence is its neighbours'
    # neighbour, the lede is every sentence's lede): tokenize each distinct string once.
    strings = [*texts, *(prevs if use_context else []), *(nexts if use_context else []), *(ledes if use_lede else [])]
    unique = list(dict.fromkeys(strings))
    pieces = dict(zip(unique, _pieces(tokenizer, unique), strict=True))
    targets = [pieces[t] for t in texts]
    if use_context:
        prev_ids = [pieces[t][0] for t in prevs]
        next_ids = [pieces[t][0] for t in nexts]
    if use_lede:
        lede_ids = [pieces[t][0] for t in ledes]
    # Each context segment gets an equal share of what the target leaves, up to context_tokens.
    segments = (2 if use_context else 0) + (1 if use_lede else 0)
    cls, sep = tokenizer.cls_token_id, tokenizer.sep_token_id
    out = []
    for i, (ids, offsets) in enumerate(targets):
        budget = max_length - 2
        ids, offsets = ids[:budget], offsets[:budget]
        input_ids = [cls, *ids, sep]
        types = [0] * len(input_ids)
        if segments:
            share = max(0, min(context_tokens, (max_length - len(input_ids) - segments) // segments))
            context = []
            if use_context:
                context += [*(prev_ids[i][-share:] if share else []), sep, *next_ids[i][:share], sep]
            if use_lede:
                context += [*lede_ids[i][:share], sep]
            input_ids += context
            types += [1] * len(context)
        full_offsets = [(0, 0), *[tuple(o) for o in offsets]] + [(0, 0)] * (len(input_ids) - len(ids) - 1)
        out.append(Encoded(input_ids, types, full_offsets, len(ids)))
    return out


def pad(encoded: list[Encoded], pad_id: int) -> dict[str, torch.Tensor]:
    width = max(len(e.input_ids) for e in encoded)
    ids = torch.full((len(encoded), width), pad_id, dtype=torch.long)
    types = torch.zeros((len(encoded), width), dtype=torch.long)
    mask = torch.zeros((len(encoded), width), dtype=torch.long)
    target = torch.zeros((len(encoded), width), dtype=torch.bool)
    for row, e in enumerate(encoded):
        n = len(e.input_ids)
        ids[row, :n] = torch.tensor(e.input_ids)
        types[row, :n] = torch.tensor(e.token_type_ids)
        mask[row, :n] = 1
        target[row, 1 : 1 + e.n_target] = True
    return {"input_ids": ids, "token_type_ids": types, "attention_mask": mask, "target_mask": target}


def span_tags(e: Encoded, source: Span | None, cue: Span | None, width: int) -> list[int]:
    """Tag ids per position: BIO for target tokens overlapping a span, IGNORE outside the target."""
    tags = [IGNORE] * width
    for pos in range(1, 1 + e.n_target):
        tags[pos] = 0
    for name, span in (("source", source), ("cue", cue)):
        if span is None:
            continue
        first = True
        for pos in range(1, 1 + e.n_target):
            start, end = e.offsets[pos]
            if start < span.end and end > span.start:
                tags[pos] = TAGS.index(("B-" if first else "I-") + name)
                first = False
    return tags


def soft_span_tags(e: Encoded, offsets: list[list[int]], tag_probs: list[list[float]], width: int) -> list[list[float]]:
    """A teacher's tag distributions (over its own wordpieces, by character `offsets`) carried onto this
    encoding's target tokens, for a student whose tokenizer cuts words differently.

    A student token takes the distribution of the teacher token holding its first character. A token
    that continues a teacher token (a word the student splits finer) cannot begin a span: its B mass
    moves to I. Positions outside the target get an all-zero row (no loss there).
    """
    rows = [[0.0] * len(TAGS) for _ in range(width)]
    for pos in range(1, 1 + e.n_target):
        start = e.offsets[pos][0]
        source = next((k for k, (s, end) in enumerate(offsets) if s <= start < end), None)
        if source is None:
            rows[pos] = [1.0] + [0.0] * (len(TAGS) - 1)  # whitespace or a character the teacher dropped
            continue
        probs = list(tag_probs[source])
        if start > offsets[source][0]:  # a continuation of the teacher's token
            for name in ("source", "cue"):
                b, i = TAGS.index("B-" + name), TAGS.index("I-" + name)
                probs[i], probs[b] = probs[i] + probs[b], 0.0
        rows[pos] = probs
    return rows


def decode_span(e: Encoded, tag_probs: torch.Tensor, name: str, text: str | None = None,
                cutoff: SpanCutoff = DEFAULT_CUTOFF) -> Span | None:
    """Best run of consecutive target tokens inside a `name` span, mapped back to characters.

    tag_probs: (width, len(TAGS)) softmax over tags. A token is inside when P(B) + P(I) exceeds
    `cutoff.extent`; runs are maximal sequences of inside tokens (a B predicted mid-name, as in "Donald
    | Trump", does not split the run), a run counts only if one of its tokens exceeds `cutoff.peak`, and
    the run with the highest mean inside probability wins.
    With `text`, the span is widened to whole words, so a run ending on a wordpiece keeps its word
    (the "t" of "doesn't" too), and separators at its edges are dropped: the guideline's spans are
    "the exact words", and a comma or an opening bracket after "Luis Rubio" is not one of them. A
    source also ends at its name, before a descriptive appositive ("Luis Rubio, an analyst").
    """
    b, i = TAGS.index("B-" + name), TAGS.index("I-" + name)
    inside = (tag_probs[:, b] + tag_probs[:, i]).tolist()
    best, best_score = None, 0.0
    pos, last = 1, e.n_target
    while pos <= last:
        if inside[pos] <= cutoff.extent:
            pos += 1
            continue
        end = pos
        while end + 1 <= last and inside[end + 1] > cutoff.extent:
            end += 1
        run = inside[pos : end + 1]
        score = sum(run) / len(run)
        if max(run) > cutoff.peak and score > best_score:
            best, best_score = (e.offsets[pos][0], e.offsets[end][1]), score
        pos = end + 1
    if not best or best[1] <= best[0]:
        return None
    start, end = best
    if text is not None:
        # Widen only a run that starts or ends mid-word: "," after "Rubio" does not pull "Rubio" in.
        while 0 < start < len(text) and _in_word(text, start) and _in_word(text, start - 1):
            start -= 1
        while 0 < end < len(text) and _in_word(text, end - 1) and _in_word(text, end):
            end += 1
        while end > start and (text[end - 1].isspace() or text[end - 1] in _TRAILING_SEPARATORS):
            end -= 1
        while start < end and (text[start].isspace() or text[start] in _LEADING_SEPARATORS):
            start += 1
        if end <= start:
            return None
        if name == "source":
            end = _name_before_appositive(text, start, end)
        else:
            end = _through_according_to(text, start, end)
    return Span(start, end)


def _in_word(text: str, k: int) -> bool:
    """Whether text[k] belongs to a word: a letter or digit, or the apostrophe of a negative contraction
    ("doesn't", "can’t"), so that a cue tagged on its "t" wordpiece becomes the whole word. A possessive's
    apostrophe is not inside the word: "Trump" stays "Trump" in "Trump's own admission"."""
    if text[k].isalnum():
        return True
    return text[k] in "'\u2019" and 0 < k < len(text) - 1 and text[k - 1] in "nN" and text[k + 1] in "tT"


# "according to", the guideline's own example of a cue; group 1 is the "to" a tagger may leave out.
_ACCORDING_TO = re.compile(r"\baccording(\s+to\b)", re.IGNORECASE)


def _through_according_to(text: str, start: int, end: int) -> int:
    """The end of a cue, past the "to" when the tagged words end in "according".

    The guideline annotations mark "according to" 222 times and "according" alone once, but the tagger
    is often unsure of the "to", and the extent cut-off drops it: 2 of gold dev's 6 "according to"
    cues came back as "According" and "according", scored wrong by exact match.
    """
    match = _ACCORDING_TO.match(text, max(start, end - len("according")))
    return match.end() if match and match.start(1) == end else end


# ", director of the hospital": a comma, then a lowercase word (the word before the comma must have a
# capital: _name_before_appositive checks it).
_APPOSITIVE = re.compile(r", (?=[a-z])")


def _name_before_appositive(text: str, start: int, end: int) -> int:
    """The end of a source span without a descriptive appositive after the name.

    The guideline's source is the words naming who holds the proposition: "Kasim Hatim, director of
    the hospital, said ..." names Kasim Hatim. Gold dev ends all 12 such spans at the name, and so do
    8 in 10 of the guideline annotations; the rest (and PolNeAR's conventions) teach the tagger to run
    on. A title before a name ("A government spokeswoman, Rosario Murillo") and lists of names keep
    their words: the appositive must follow a word with a capital and start lowercase.
    """
    match = _APPOSITIVE.search(text, start, end)
    if match is None:
        return end
    words_before = text[start : match.start()].split()
    return match.start() if words_before and any(c.isupper() for c in words_before[-1]) else end
