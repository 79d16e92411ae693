"""Structured (JSON-lines) logs that carry the trace id of the active span."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

from opentelemetry import trace


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self._service = service

    def format(self, record: logging.LogRecord) -> str:
        span = trace.get_current_span().get_span_context()
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "service": self._service,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if span.is_valid:
            entry["trace_id"] = f"{span.trace_id:032x}"
            entry["span_id"] = f"{span.span_id:016x}"
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry)


def adopt_library_loggers(prefixes: tuple[str, ...] = ("faststream",)) -> None:
    """Send libraries' own loggers through the root JSON handler.

    FastStream gives its loggers their own coloured plain-text handlers and
    stops them propagating; a service's log must be JSON on every line. Call
    again after a library creates loggers lazily (a broker, a subscriber).
    """
    for name in list(logging.root.manager.loggerDict):
        if name.startswith(prefixes):
            library_logger = logging.getLogger(name)
            library_logger.handlers.clear()
            library_logger.propagate = True


def configure_logging(service: str, level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # aiokafka is chatty about routine group coordination at INFO.
    logging.getLogger("aiokafka").setLevel(logging.WARNING)
    logging.captureWarnings(True)
    adopt_library_loggers()
