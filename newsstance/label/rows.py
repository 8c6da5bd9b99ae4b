"""Labelled articles as rows of the output table: one row per sentence, the same for every engine."""

from __future__ import annotations

import pyarrow as pa

from newsstance.data.segment import document_context
from newsstance.label.articles import Article
from newsstance.model.stance_model import assemble_article, segment_article

SCHEMA = pa.schema([
    ("article_id", pa.string()), ("sentence", pa.int32()), ("start", pa.int32()), ("end", pa.int32()),
    ("text", pa.string()), ("label", pa.string()), ("p_claim", pa.float32()), ("p_denial", pa.float32()),
    ("p_attribution", pa.float32()), ("skip_score", pa.float32()),
    ("source", pa.string()), ("source_start", pa.int32()), ("source_end", pa.int32()),
    ("cue", pa.string()), ("cue_start", pa.int32()), ("cue_end", pa.int32()),
    ("from_html", pa.bool_()),  # start/end index the text extracted from the article's HTML
])


def label_articles(model, articles: list[Article]) -> tuple[dict[str, list], list[dict]]:
    """(columns of SCHEMA for every sentence of the good articles, an error record per bad one). All the
    articles' sentences go through the model in one call: it batches them by length itself."""
    errors = [{"article_id": a.id, "error": a.error} for a in articles if a.error is not None]
    good, segmented = [], []
    for a in articles:
        if a.error is None:
            sentences = segment_article(a.text)
            if sentences:
                good.append(a)
                segmented.append(sentences)
            else:
                errors.append({"article_id": a.id, "error": "no sentences found in the text"})
    texts, before, after, lede = [], [], [], []
    for sentences in segmented:
        plain = [s.text for s in sentences]
        texts += plain
        for column, values in zip((before, after, lede), document_context(plain), strict=True):
            column += values
    results = model.spans(texts, before, after, lede) if texts else []
    columns: dict[str, list] = {name: [] for name in SCHEMA.names}
    at = 0
    for article, sentences in zip(good, segmented, strict=True):
        rows = assemble_article(sentences, results[at : at + len(sentences)])
        at += len(sentences)
        for i, r in enumerate(rows):
            values = {"article_id": article.id, "sentence": i, "start": r["start"], "end": r["end"], "text": r["text"],
                      "label": r["label"], "p_claim": r["scores"]["claim"], "p_denial": r["scores"]["denial"],
                      "p_attribution": r["scores"]["attribution"], "skip_score": r["skip_score"],
                      "from_html": article.from_html}
            for name in ("source", "cue"):
                span = r[name]
                values |= {name: span["text"] if span else None, f"{name}_start": span["start"] if span else None,
                           f"{name}_end": span["end"] if span else None}
            for name, value in values.items():
                columns[name].append(value)
    return columns, errors
