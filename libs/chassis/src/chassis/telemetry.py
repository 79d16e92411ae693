"""OpenTelemetry set-up and W3C trace-context propagation helpers.

One trace follows a request across processes: gRPC server span -> event store
append -> Kafka publish (context in headers) -> consumer -> projection. The
traceparent of the request is stored with each event, so the relay, which
publishes later from another task, continues the request's trace.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from typing import IO

from opentelemetry import context as otel_context
from opentelemetry import metrics, propagate, trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import (
    ConsoleMetricExporter,
    MetricExporter,
    MetricReader,
    PeriodicExportingMetricReader,
)
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SpanExporter,
    SpanExportResult,
)
from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased


class JsonLinesSpanExporter(SpanExporter):
    """Writes one JSON object per finished span to a file (local runs and tests)."""

    def __init__(self, path: str) -> None:
        self._lock = threading.Lock()
        self._file: IO[str] = open(path, "a", buffering=1)  # noqa: SIM115 - kept open

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        # ReadableSpan.to_json serialises the whole resource with every span,
        # which costs more than the work being traced; write what a reader needs.
        lines = []
        for span in spans:
            context = span.context
            parent = span.parent
            lines.append(
                json.dumps(
                    {
                        "name": span.name,
                        "context": {
                            "trace_id": f"0x{context.trace_id:032x}" if context else None,
                            "span_id": f"0x{context.span_id:016x}" if context else None,
                        },
                        "parent_id": f"0x{parent.span_id:016x}" if parent else None,
                        "kind": span.kind.name,
                        "start_time": span.start_time,
                        "end_time": span.end_time,
                        "status": span.status.status_code.name,
                        "attributes": dict(span.attributes or {}),
                    },
                    default=str,
                )
            )
        with self._lock:
            self._file.write("\n".join(lines) + "\n")
            self._file.flush()
        return SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        with self._lock:
            self._file.close()


def configure_tracing(
    service_name: str,
    otlp_endpoint: str | None = None,
    trace_file: str | None = None,
    console: bool = False,
    sample_ratio: float = 1.0,
) -> TracerProvider:
    """Install a tracer provider for this process and return it (call shutdown on exit).

    Sampling follows the parent (a caller's decision holds across every hop)
    and samples ``sample_ratio`` of new traces."""
    provider = TracerProvider(
        resource=Resource.create({"service.name": service_name}),
        sampler=ParentBased(TraceIdRatioBased(sample_ratio)),
    )
    exporters: list[SpanExporter] = []
    if otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        exporters.append(OTLPSpanExporter(endpoint=otlp_endpoint, insecure=True))
    if trace_file:
        exporters.append(JsonLinesSpanExporter(trace_file))
    if console:
        exporters.append(ConsoleSpanExporter())
    for exporter in exporters:
        provider.add_span_processor(
            BatchSpanProcessor(exporter, schedule_delay_millis=200, max_queue_size=8192)
        )
    trace.set_tracer_provider(provider)
    return provider


def configure_metrics(
    service_name: str,
    otlp_endpoint: str | None = None,
    metrics_file: str | None = None,
    interval_seconds: float = 10.0,
) -> MeterProvider:
    """Install a meter provider (OTLP and/or JSON lines to a file); call shutdown on exit."""
    exporters: list[MetricExporter] = []
    if otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter

        exporters.append(OTLPMetricExporter(endpoint=otlp_endpoint, insecure=True))
    if metrics_file:
        exporters.append(
            ConsoleMetricExporter(
                out=open(metrics_file, "a", buffering=1),  # noqa: SIM115 - kept open
                formatter=lambda data: data.to_json(indent=None) + "\n",
            )
        )
    readers: list[MetricReader] = [
        PeriodicExportingMetricReader(exporter, export_interval_millis=interval_seconds * 1000)
        for exporter in exporters
    ]
    provider = MeterProvider(
        resource=Resource.create({"service.name": service_name}), metric_readers=readers
    )
    metrics.set_meter_provider(provider)
    return provider


def current_trace_carrier() -> dict[str, str]:
    """The active span's W3C trace context (traceparent, tracestate) as a dict."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


def context_from_carrier(carrier: dict[str, str]) -> otel_context.Context:
    return propagate.extract(carrier)


def kafka_headers(carrier: dict[str, str]) -> list[tuple[str, bytes]]:
    return [(name, value.encode()) for name, value in carrier.items()]


def carrier_from_kafka_headers(headers: Sequence[tuple[str, bytes]] | None) -> dict[str, str]:
    carrier: dict[str, str] = {}
    for name, value in headers or ():
        if name in ("traceparent", "tracestate") and value is not None:
            carrier[name] = value.decode(errors="replace")
    return carrier
