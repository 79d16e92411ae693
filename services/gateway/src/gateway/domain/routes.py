"""Which backend answers which RPC service: the gateway's routing table.

A service is routed by its name. By convention the API of backend ``meetings``
is every service in the protobuf package ``trust.meetings.<version>``, so adding
a backend is one line of configuration (its name and address); a service outside
the convention is routed by an explicit ``service -> backend`` entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# Protobuf packages whose services are never routed: the event feed is served by
# every backend (one per owner), so a name cannot say which one; trust systems
# read feeds from each service directly.
UNROUTED_PACKAGES = frozenset({"trust.feed.v1"})


class RouteConfigError(ValueError):
    """The routing configuration names something that cannot be routed."""


@dataclass(frozen=True, slots=True)
class Backend:
    name: str
    address: str


@dataclass(frozen=True, slots=True)
class Route:
    service: str
    backend: Backend


def package_of(service: str) -> str:
    return service.rpartition(".")[0]


def conventional_backend(service: str) -> str | None:
    """``trust.meetings.v1.MeetingsService`` -> ``meetings``; None outside ``trust.*``."""
    parts = service.split(".")
    if len(parts) >= 4 and parts[0] == "trust":
        return parts[1]
    return None


@dataclass(frozen=True)
class RouteTable:
    routes: Mapping[str, Route]

    @classmethod
    def build(
        cls,
        backends: Mapping[str, str],
        known_services: Iterable[str],
        explicit: Mapping[str, str] | None = None,
    ) -> RouteTable:
        """Routes every known service whose backend is configured.

        ``backends`` is backend name -> address; ``explicit`` is service -> backend
        name and wins over the convention. A backend or an explicit route that
        matches nothing is a configuration error, said at start-up."""
        for name, address in backends.items():
            if not name or not address or ":" not in address:
                raise RouteConfigError(
                    f"backend {name!r} needs an address like host:port, not {address!r}"
                )
        known = set(known_services)
        explicit = dict(explicit or {})
        for service, named in explicit.items():
            if service not in known:
                raise RouteConfigError(f"route for unknown service {service!r}")
            if named not in backends:
                raise RouteConfigError(
                    f"route {service!r} -> {named!r}: no backend {named!r} is configured"
                )
        routes: dict[str, Route] = {}
        for service in sorted(known):
            backend: str | None = explicit.get(service)
            if backend is None and package_of(service) not in UNROUTED_PACKAGES:
                backend = conventional_backend(service)
            if backend is not None and backend in backends:
                routes[service] = Route(service, Backend(backend, backends[backend]))
        served = {route.backend.name for route in routes.values()}
        unused = sorted(set(backends) - served)
        if unused:
            raise RouteConfigError(
                f"backend(s) {', '.join(unused)} serve no known service: is the API in trust-protos?"
            )
        return cls(routes)

    def backend_for(self, service: str) -> Backend | None:
        route = self.routes.get(service)
        return route.backend if route else None

    @property
    def services(self) -> list[str]:
        return sorted(self.routes)

    @property
    def backends(self) -> list[Backend]:
        return sorted({route.backend for route in self.routes.values()}, key=lambda b: b.name)
