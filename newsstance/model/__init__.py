"""The model wing: the network (encoder + sentence and span heads), tokenization and span encoding,
numeric backends, persistence, and the user-facing StanceModel.
May import: newsstance.data and newsstance.config (and errors, atomic); never train, eval or the CLI."""
