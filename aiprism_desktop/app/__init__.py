"""The application layer: what every front end (window, CLI, team server worker) drives."""
