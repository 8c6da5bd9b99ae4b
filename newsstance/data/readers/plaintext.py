"""Plain-text (or HTML) articles: segmented into unlabelled sentences with their neighbours."""

from __future__ import annotations

from pathlib import Path

from newsstance.data.records import SentenceRecord
from newsstance.data.segment import document_context, split_sentences
from newsstance.data.text_input import read_text_file


def read_article(path: Path) -> list[SentenceRecord]:
    path = Path(path)
    texts = [s.text for s in split_sentences(read_text_file(path))]
    return [
        SentenceRecord(id=f"{path.stem}#{i}", doc=path.stem, text=text, prev=prev, next=nxt,
                       label=None, source=None, cue=None, origin="text", lede=lede)
        for i, (text, prev, nxt, lede) in enumerate(zip(texts, *document_context(texts), strict=True))
    ]
