"""The main window: layout and wiring, the view state, the renderer, and the window's actions."""
