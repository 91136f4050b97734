"""Training: the session that steps a network over its data, its mini-batches, phases,
history, timeline, evaluation and predictions, early stopping and stop rules, diagnostics,
metrics, and how a notebook shows a session."""
