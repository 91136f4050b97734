"""Qt-free state of the app: settings declared once with their limits, lessons, pinned runs."""
