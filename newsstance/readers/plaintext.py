"""Plain-text articles: segmented into unlabelled sentences with their neighbours."""

from __future__ import annotations

from pathlib import Path

from newsstance.records import SentenceRecord
from newsstance.segment import Sentence, split_sentences


def article_records(text: str, doc: str = "article") -> tuple[list[Sentence], list[SentenceRecord]]:
    sentences = split_sentences(text)
    records = [
        SentenceRecord(
            id=f"{doc}#{i}", doc=doc, text=s.text,
            prev=sentences[i - 1].text if i else "",
            next=sentences[i + 1].text if i + 1 < len(sentences) else "",
            label=None, source=None, cue=None, origin="text",
        )
        for i, s in enumerate(sentences)
    ]
    return sentences, records


def read_article(path: Path) -> list[SentenceRecord]:
    from newsstance.text_input import read_text_file

    path = Path(path)
    return article_records(read_text_file(path), doc=path.stem)[1]
