"""The HTTP service: `newsstance serve`. One model, loaded once; requests batched dynamically.

  POST /v1/analyze  {"text": article (plain text or HTML)} -> the sentences as model.analyze gives them,
                    the text they index, and who said what
  POST /v1/predict  {"sentences": [str | {"text", "prev"?, "next"?}]} -> model.spans rows
  GET  /v1/model    model name, labels, precision, card fields
  GET  /healthz     liveness
  GET  /            the page; /docs the OpenAPI docs (assets served locally, no CDN)
Bad input is a 4xx with a JSON body naming the problem, never a 500: 413 over the body limit, 422 for
invalid JSON or fields, 503 with Retry-After when more work is queued than the bound.
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from newsstance.data.segment import document_context
from newsstance.data.text_input import clean_text, reduce_html
from newsstance.errors import NewsstanceError
from newsstance.model.stance_model import StanceModel, assemble_article, segment_article
from newsstance.service.batcher import DynamicBatcher, Overloaded
from newsstance.service.report import article_payload

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"


@dataclass
class ServiceSettings:
    max_body_bytes: int = 2 * 2**20  # 2 MB: a long article is ~50 KB of text, a heavy HTML page ~1 MB
    max_queued_sentences: int = 20_000  # ~30 s of work at the offline rate on 2 cores
    batch_wait_ms: float = 5.0
    max_batch_sentences: int = 512


class AnalyzeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: Annotated[StrictStr, Field(description="the article: plain text or HTML")]


class SentenceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: StrictStr
    prev: StrictStr = ""
    next: StrictStr = ""
    lede: StrictStr = ""  # the article's first sentence, for a model that reads it


class PredictRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sentences: list[StrictStr | SentenceIn] = Field(description="sentences, each a string or {text, prev, next, lede}")


class _BodyLimit:
    """ASGI middleware: a request body over the limit is refused with 413, by its Content-Length when it
    declares one, else while it streams in, before the application sees any of it. The body is read
    here (at most `limit` bytes are ever held) and handed on whole."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            return await _too_large(self.limit)(scope, receive, send)
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.limit:
                return await _too_large(self.limit)(scope, receive, send)
            more = message.get("more_body", False)
        body, sent = b"".join(chunks), False

        async def replay():
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def _too_large(limit: int) -> JSONResponse:
    return JSONResponse({"error": f"request body over the limit of {limit} bytes"}, status_code=413)


def _describe(errors: list[dict]) -> str:
    parts = []
    for e in errors:
        where = ".".join(str(x) for x in e.get("loc", ()) if x != "body") or "body"
        parts.append(f"{where}: {e.get('msg', 'invalid')}")
    return "; ".join(parts)


def model_card(model: StanceModel, name: str) -> dict[str, Any]:
    config = model.config
    card = {"name": name, "path": str(model.path) if model.path else None, "labels": list(model.labels),
            "marks_skip": model.predicts_skip, "precision": model.precision, "encoder": config.model.encoder,
            "reads_context": model.context, "reads_lede": model.reads_lede,
            "trained_on": [c.spec for c in config.data.train],
            "distilled_from": config.distill.teacher}
    card_file = model.path / "MODEL_CARD.md" if model.path else None
    if card_file is not None and card_file.is_file():
        card["card"] = card_file.read_text(encoding="utf-8")
    return card


def create_app(model: StanceModel, name: str = "default", settings: ServiceSettings | None = None) -> Any:
    settings = settings or ServiceSettings()

    def run(texts: list[str], before: list[str], after: list[str], lede: list[str]) -> list[dict]:
        return model.spans(texts, before, after, lede)

    batcher = DynamicBatcher(run, settings.batch_wait_ms / 1000, settings.max_batch_sentences,
                             settings.max_queued_sentences)

    @asynccontextmanager
    async def lifespan(_app):
        batcher.start()
        yield
        await batcher.stop()

    app = FastAPIOffline(title="newsstance", version=_version(), lifespan=lifespan,
                         description="Label every sentence of a news article as claim, denial or attribution, "
                                     "and say who said it.")
    app.state.batcher = batcher
    app.add_middleware(_BodyLimit, limit=settings.max_body_bytes)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = jsonable_encoder(exc.errors(), custom_encoder={bytes: lambda b: b.decode("utf-8", "replace")})
        return JSONResponse({"error": _describe(errors), "detail": errors}, status_code=422)

    @app.exception_handler(Overloaded)
    async def overloaded(_request: Request, exc: Overloaded) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=503, headers={"Retry-After": str(exc.retry_after)})

    @app.exception_handler(NewsstanceError)
    async def bad_input(_request: Request, exc: NewsstanceError) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=422)

    # Handlers answer with JSONResponse: the payload is plain JSON types already, and FastAPI's own
    # encoder walking every nested row cost ~6% of the service's time (0.22 s per 3,134 sentences).
    @app.post("/v1/analyze", response_model=None)
    async def analyze(body: AnalyzeRequest) -> JSONResponse:
        """The article's sentences exactly as `model.analyze` labels them, plus who said what."""
        text, from_html = reduce_html(body.text)
        sentences = segment_article(text)
        texts = [s.text for s in sentences]
        results = await batcher.submit(texts, *document_context(texts))
        return JSONResponse(article_payload(name, clean_text(text), from_html, assemble_article(sentences, results)))

    @app.post("/v1/predict", response_model=None)
    async def predict(body: PredictRequest) -> JSONResponse:
        """Sentences the caller segmented: label, scores, source, cue per sentence (model.spans)."""
        items = [SentenceIn(text=s) if isinstance(s, str) else s for s in body.sentences]
        results = await batcher.submit([clean_text(s.text) for s in items], [s.prev for s in items],
                                       [s.next for s in items], [s.lede for s in items])
        return JSONResponse({"model": name,
                             "results": [{"text": s.text, **r} for s, r in zip(items, results, strict=True)]})

    @app.get("/v1/model")
    async def describe() -> dict:
        return model_card(model, name)

    @app.get("/healthz")
    async def healthz() -> dict:
        return {"status": "ok", "queued_sentences": batcher.queued}

    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


def _version() -> str:
    from newsstance import __version__

    return __version__


def serve(model_path: str | None, host: str, port: int, precision: str | None, settings: ServiceSettings,
          device: str = "cpu") -> None:
    import uvicorn

    import newsstance

    model = newsstance.load(model_path, precision=precision, device=device)
    name = model_path or "default"
    app = create_app(model, name, settings)
    log.info("serving %s (%s) on http://%s:%d", name, model.precision, host, port)
    uvicorn.run(app, host=host, port=port, log_level="warning")
