"""Fan-out of application events to every listener (the window's signal adapter, the CLI's
progress printer, tests).

A listener that raises is logged and the others still hear the event: a broken slot must never
abort a review or lose a decision.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from aiprism_desktop.app.events import AppEvent

log = logging.getLogger(__name__)

Listener = Callable[[AppEvent], None]


class EventHub:
    """Synchronous publish/subscribe: ``publish`` returns after every listener has run."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Add a listener; returns the function that removes it again."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def publish(self, event: AppEvent) -> None:
        for listener in tuple(self._listeners):
            try:
                listener(event)
            except Exception:
                log.exception("A listener failed on %s", type(event).__name__)
