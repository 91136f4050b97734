"""The math of a multilayer perceptron, and nothing else: this package imports no other part
of Backprop Lab."""
