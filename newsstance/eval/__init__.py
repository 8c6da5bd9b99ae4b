"""The eval wing: metrics with intervals, the Evaluator (used by training too), baselines, reports.
May import: data, model, config; never train or the CLI."""
