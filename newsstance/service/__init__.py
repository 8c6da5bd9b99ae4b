"""The service wing: `newsstance serve` (a FastAPI application on uvicorn) with its dynamic batcher, and
the page at `/` (also written as a self-contained HTML report by `newsstance predict --format html`).
May import: model, data, config; never train or eval."""
