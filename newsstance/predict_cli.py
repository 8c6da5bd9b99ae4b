"""`newsstance predict`: an article (or JSONL of sentences) in, JSONL or a readable table out."""

from __future__ import annotations

import json
import shutil
import sys
import textwrap

from newsstance.readers.jsonl import read_objects, require_str
from newsstance.text_input import InputError, html_to_text, looks_like_html, read_text_file

COLOURS = {"claim": "\033[37m", "denial": "\033[1;31m", "attribution": "\033[1;36m"}
RESET = "\033[0m"


def _read_input(source: str) -> str:
    if source == "-":
        raw = sys.stdin.buffer.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise InputError(f"standard input: not UTF-8 text (invalid byte at offset {e.start})") from None
        return html_to_text(text) if looks_like_html(text) else text
    return read_text_file(source)


def _sentences_from_jsonl(source: str) -> tuple[list[str], list[str], list[str]]:
    import tempfile
    from pathlib import Path

    if source == "-":
        with tempfile.NamedTemporaryFile("wb", suffix=".jsonl", delete=False) as f:
            f.write(sys.stdin.buffer.read())
        path = Path(f.name)
    else:
        path = Path(source)
    texts, before, after = [], [], []
    try:
        for number, obj in read_objects(path):
            texts.append(require_str(path, number, obj, "text"))
            before.append(require_str(path, number, obj, "prev", optional=True))
            after.append(require_str(path, number, obj, "next", optional=True))
    finally:
        if source == "-":
            path.unlink()  # the spooled copy of standard input
    return texts, before, after


def run_predict(args) -> None:
    import newsstance

    model = newsstance.load(None if args.model == "default" else args.model, precision=args.precision)
    if args.jsonl:
        texts, before, after = _sentences_from_jsonl(args.input)
        results = [{"text": t, **r} for t, r in zip(texts, model.spans(texts, before, after), strict=True)]
    else:
        text = _read_input(args.input)
        if not text.strip():
            raise InputError(f"{args.input}: the input holds no text")
        results = model.analyze(text)
    if args.format == "table":
        _print_table(results, colour=sys.stdout.isatty())
    else:
        for r in results:
            sys.stdout.write(json.dumps(r, ensure_ascii=False) + "\n")


def _print_table(results: list[dict], colour: bool) -> None:
    width = shutil.get_terminal_size((110, 24)).columns
    text_width = max(30, width - 56)
    print(f"{'label':12s} {'p':>5s}  {'source':22s} {'cue':14s} sentence")
    for r in results:
        label = r["label"]
        p = r["scores"][label]
        source = (r["source"] or {}).get("text", "") if r.get("source") else ""
        cue = (r["cue"] or {}).get("text", "") if r.get("cue") else ""
        lines = textwrap.wrap(r["text"], text_width) or [""]
        head = f"{label:12s}"
        if colour:
            head = COLOURS.get(label, "") + head + RESET
        print(f"{head} {p:5.2f}  {source[:22]:22s} {cue[:14]:14s} {lines[0]}")
        for more in lines[1:]:
            print(" " * 57 + more)
