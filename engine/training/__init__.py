"""Training: the session that steps a network over its data, its mini-batches, phases,
history, timeline, diagnostics and metrics."""
