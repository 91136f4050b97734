"""Code export: a session as a standalone NumPy or PyTorch script."""
