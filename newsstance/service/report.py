"""One article's result as the API returns it, and as a self-contained HTML file (the page with its
stylesheet, script and the result inlined: it opens offline, from disk, in any browser)."""

from __future__ import annotations

import html
import json
from pathlib import Path

from newsstance.model.sources import who_said_what

STATIC = Path(__file__).resolve().parent / "static"


def article_payload(model_name: str, text: str, from_html: bool, rows: list[dict]) -> dict:
    """What /v1/analyze answers: the analysed text, what offsets index, the rows, who said what."""
    return {"model": model_name, "text": text, "offsets_into": "extracted_text" if from_html else "text",
            "sentences": rows, "sources": who_said_what(rows)}


def render_report(payload: dict, title: str) -> str:
    page = (STATIC / "index.html").read_text(encoding="utf-8")
    css = (STATIC / "style.css").read_text(encoding="utf-8")
    script = (STATIC / "app.js").read_text(encoding="utf-8")
    # "</" inside the JSON would end the script element early; "<\/" is the same string to JavaScript.
    data = json.dumps(payload, ensure_ascii=False).replace("</", "<\\/")
    page = page.replace('<link rel="stylesheet" href="/static/style.css">', f"<style>\n{css}</style>")
    page = page.replace('<script src="/static/app.js"></script>',
                        f"<script>window.NEWSSTANCE_REPORT = {data};</script>\n<script>\n{script}</script>")
    return page.replace("<title>newsstance</title>", f"<title>newsstance: {html.escape(title)}</title>")
