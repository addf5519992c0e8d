"""Loggers that import :mod:`logging` when they first log.

``import logging`` brings traceback, threading and string with it, ~7 ms that every
``newsindex search`` paid for log calls it never makes (the index and facet modules log
only when writing or normalising a value); tests/test_cli_startup.py checks a search starts
without it. ``log.info(...)`` works as on a ``logging.Logger``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["get_logger"]


class _LazyLogger:
    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        if attribute.startswith("__"):  # copy/pickle probes: not a logger method
            raise AttributeError(attribute)
        import logging

        return getattr(logging.getLogger(self._name), attribute)


def get_logger(name: str) -> Any:
    """``logging.getLogger(name)``, imported on first use."""
    return _LazyLogger(name)
