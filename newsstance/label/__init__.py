"""The corpus-labelling wing: `newsstance label INPUT --out DIR` over a folder, JSONL, Parquet or a saved
Hugging Face dataset, in resumable Parquet shards, locally or on a Ray cluster.
May import: model, data; never train, eval or the service."""
