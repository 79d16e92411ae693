"""The public API's descriptors, read from the compiled contracts (trust-protos).

The gateway has no per-service code: it imports every ``*_pb2`` module of the
``trust`` package, and builds its endpoints and its reflection answers from the
descriptors they register.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable

import trust
from google.protobuf import descriptor_pb2
from google.protobuf.descriptor import ServiceDescriptor
from grpc_health.v1 import health_pb2

HEALTH = health_pb2.DESCRIPTOR.services_by_name["Health"]


def contract_services() -> dict[str, ServiceDescriptor]:
    """Every service of the ``trust`` contracts, by full name (importing each
    compiled contract module registers its descriptors)."""
    services: dict[str, ServiceDescriptor] = {}
    for module in pkgutil.walk_packages(trust.__path__, prefix="trust."):
        if module.name.endswith("_pb2"):
            file = importlib.import_module(module.name).DESCRIPTOR
            for service in file.services_by_name.values():
                services[service.full_name] = service
    return services


def file_descriptor_set(services: Iterable[ServiceDescriptor]) -> bytes:
    """The files that define ``services`` and everything they import, serialised."""
    out = descriptor_pb2.FileDescriptorSet()
    seen: set[str] = set()

    def add(file: object) -> None:
        name = file.name  # type: ignore[attr-defined]
        if name in seen:
            return
        seen.add(name)
        for dependency in file.dependencies:  # type: ignore[attr-defined]
            add(dependency)
        file.CopyToProto(out.file.add())  # type: ignore[attr-defined]

    for service in services:
        add(service.file)
    return out.SerializeToString()
