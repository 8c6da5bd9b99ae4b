"""The data wing: records, corpus readers and their label conversions, segmentation, input cleaning,
KIND:PATH specs, training mixtures, cue lexicons and stats: everything below the model.
May import: third-party packages, newsstance.errors and newsstance.atomic; never model, train or eval."""
