"""Scoring models against hand-annotated news data: metrics, the evaluator, baselines, reports."""
