"""Package data: ``lessons/*.json`` (the lessons) and ``datasets/`` (the handwritten digits).
Read through :func:`importlib.resources.files`, so they travel with an installed wheel."""
