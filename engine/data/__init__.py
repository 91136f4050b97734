"""Data: generated datasets, the handwritten digits, drawn points, input features and the
grid over the input plane."""
