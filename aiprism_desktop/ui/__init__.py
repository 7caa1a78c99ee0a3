"""The desktop window (PySide6 + qasync): the only package that imports Qt.

It holds no business logic: clicks become verbs of ``aiprism_desktop.app`` and the app's events
become Qt signals (``ui.signals``).
"""
