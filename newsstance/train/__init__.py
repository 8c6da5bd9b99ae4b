"""The train wing: the config-driven training loop, its checkpoints (resumable, atomic) and weight
averaging; `newsstance train` calls newsstance.train.loop.fit.
May import: data, model, eval (its Evaluator scores dev for early stopping), config; never the CLI."""
