"""Analysis of a session, without changing it: the loss landscape with the optimizer's path,
the hidden space of a layer, the learning-rate range test, and the exercises a lesson checks."""
