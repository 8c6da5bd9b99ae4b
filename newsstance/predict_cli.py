"""`newsstance predict`: an article (or JSONL of sentences) in, JSONL or a readable table out."""

from __future__ import annotations

import json
import shutil
import sys
import textwrap
from pathlib import Path

from newsstance.data.readers.jsonl import parse_objects, read_objects, require_str
from newsstance.data.text_input import InputError, clean_text, decode_text, read_bytes, reduce_html
from newsstance.errors import NewsstanceError

COLOURS = {"claim": "\033[37m", "denial": "\033[1;31m", "attribution": "\033[1;36m"}
RESET = "\033[0m"


STDIN = "standard input"


def read_article(source: str) -> tuple[str, bool]:
    """(the text newsstance labels, whether it was reduced from HTML): the text start/end index."""
    raw = sys.stdin.buffer.read() if source == "-" else read_bytes(Path(source))
    return reduce_html(decode_text(raw, STDIN if source == "-" else source))


def _sentences_from_jsonl(source: str) -> tuple[list[str], list[str], list[str], list[str]]:
    if source == "-":
        name, rows = STDIN, parse_objects(sys.stdin.buffer.read(), STDIN)
    else:
        name, rows = source, read_objects(Path(source))
    texts, before, after, lede = [], [], [], []
    for number, obj in rows:
        texts.append(require_str(name, number, obj, "text"))
        before.append(require_str(name, number, obj, "prev", optional=True))
        after.append(require_str(name, number, obj, "next", optional=True))
        lede.append(require_str(name, number, obj, "lede", optional=True))
    return texts, before, after, lede


def _label(model, source: str, jsonl: bool) -> list[dict]:
    """One input's results: an article is segmented, JSONL sentences are taken as they are."""
    if jsonl:
        texts, before, after, lede = _sentences_from_jsonl(source)
        return [{"text": t, **r} for t, r in zip(texts, model.spans(texts, before, after, lede), strict=True)]
    text, from_html = read_article(source)
    if not text.strip():
        raise InputError(f"{source}: the input holds no text")
    results = model.analyze(text)
    if from_html:  # start/end index the extracted text, which `newsstance text FILE` prints
        results = [{**r, "offsets_into": "extracted_text"} for r in results]
    return results


def run_predict(args) -> None:
    """Label every input with one loaded model. With several inputs, each JSONL row names its `file`,
    and an unreadable input is reported and skipped rather than losing the others' output; the exit
    status is still 2 if any failed."""
    import newsstance

    if args.inputs.count("-") > 1:
        raise InputError("standard input ('-') can be read only once")
    if args.format == "html" and (len(args.inputs) > 1 or args.jsonl):
        raise InputError("--format html writes one article's page: give one text/HTML file (or -)")
    model = newsstance.load(None if args.model == "default" else args.model, precision=args.precision,
                            device=args.device)
    if args.format == "html":
        _write_html(model, args.model, args.inputs[0])
        return
    several = len(args.inputs) > 1
    failed = 0
    for source in args.inputs:
        try:
            results = _label(model, source, args.jsonl)
        except NewsstanceError as e:
            if not several:
                raise
            print(f"newsstance: error: {e}", file=sys.stderr)
            failed += 1
            continue
        name = STDIN if source == "-" else source
        if args.format == "table":
            if several:
                print(f"== {name}")
            _print_table(results, colour=sys.stdout.isatty())
        else:
            for r in results:
                sys.stdout.write(json.dumps({"file": name, **r} if several else r, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    if failed:
        raise InputError(f"{failed} of {len(args.inputs)} inputs could not be labelled (named above)")


def _print_table(results: list[dict], colour: bool) -> None:
    width = shutil.get_terminal_size((110, 24)).columns
    text_width = max(30, width - 56)
    print(f"{'label':12s} {'p':>5s}  {'source':22s} {'cue':14s} sentence")
    for r in results:
        label = r["label"]
        p = r["skip_score"] if label == "skip" else r["scores"][label]
        source = _cut((r["source"] or {}).get("text", "") if r.get("source") else "", 22)
        cue = _cut((r["cue"] or {}).get("text", "") if r.get("cue") else "", 14)
        lines = textwrap.wrap(r["text"], text_width) or [""]
        head = f"{label:12s}"
        if colour:
            head = COLOURS.get(label, "") + head + RESET
        print(f"{head} {p:5.2f}  {source:22s} {cue:14s} {lines[0]}")
        for more in lines[1:]:
            print(" " * 57 + more)


def _cut(text: str, width: int) -> str:
    """`text` in at most `width` characters, an ellipsis marking a cut."""
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def run_text(args) -> None:
    """`newsstance text FILE`: the text newsstance reads from a file (HTML reduced), as start/end index it."""
    text, _ = read_article(args.input)
    sys.stdout.write(text)


def _write_html(model, model_name: str, source: str) -> None:
    """`--format html`: the page's view of one article, self-contained, on standard output."""
    from newsstance.service.report import article_payload, render_report

    text, from_html = read_article(source)
    if not text.strip():
        raise InputError(f"{source}: the input holds no text")
    rows = model.analyze(text)
    payload = article_payload(model_name, clean_text(text), from_html, rows)
    sys.stdout.write(render_report(payload, STDIN if source == "-" else Path(source).name))
