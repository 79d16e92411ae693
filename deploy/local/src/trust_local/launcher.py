"""Starts the platform on throwaway local infrastructure and tears it down.

Used by the README's main job and by the test session alike: a PostgreSQL
cluster (one database per service), librdkafka's mock Kafka cluster hosted
in this process, and each service as its own OS process on a free port.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from chassis.clock import CLOCK_FILE_VARIABLE, set_clock
from localinfra import MockKafkaCluster, PostgresCluster, start_mock_kafka, start_postgres

SERVICES = ("academies", "evaluations", "meetings", "support", "reporting")
GATEWAY = "gateway"

# The reference web client's build (scripts/setup makes it), served by the gateway.
REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), *[os.pardir] * 4))
WEB_CLIENT_DIST = os.path.join(REPO_ROOT, "clients", "web", "dist")

PARTITIONS = 8  # per topic: room for parallel consumers, keyed so order holds per academy


def published_topics(services: Sequence[str] = SERVICES) -> list[str]:
    """Every topic the services publish to, as their specs declare them (the mock
    broker has no admin API, so the launcher creates them, and their .dlq topics)."""
    specs = [importlib.import_module(f"{name}.bootstrap").SPEC for name in services]
    return sorted({topic for spec in specs for topic in spec.topics})


@dataclass
class ServiceProcess:
    name: str
    env: dict[str, str]
    log_path: str
    ready_file: str
    process: subprocess.Popen[bytes] | None = None
    port: int = 0

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> None:
        if os.path.exists(self.ready_file):
            os.remove(self.ready_file)
        log = open(self.log_path, "ab")  # noqa: SIM115 - the child owns it
        self.process = subprocess.Popen(
            [sys.executable, "-m", f"{self.name}.entrypoints.main"],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"service {self.name} exited with {self.process.returncode}:\n"
                    + _tail(self.log_path)
                )
            if os.path.exists(self.ready_file):
                with open(self.ready_file) as handle:
                    self.port = int(json.load(handle)["port"])
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(
            f"service {self.name} did not start in {timeout}s:\n" + _tail(self.log_path)
        )

    def kill(self) -> None:
        """A crash: SIGKILL, no graceful shutdown."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def stop(self, timeout: float = 15.0) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def restart(self) -> None:
        self.stop()
        self.env["TRUST_GRPC_PORT"] = str(self.port)  # keep the address clients know
        self.start()


@dataclass
class Platform:
    postgres: PostgresCluster
    kafka: MockKafkaCluster
    token_secret: str
    run_dir: str
    services: dict[str, ServiceProcess] = field(default_factory=dict)
    # One address for web and mobile clients, in front of the services.
    gateway: ServiceProcess | None = None

    def address(self, service: str) -> str:
        if service == GATEWAY and self.gateway is not None:
            return self.gateway.address
        return self.services[service].address

    @property
    def web_client_url(self) -> str | None:
        return f"http://{self.gateway.address}/" if self.gateway else None

    def trace_file(self, service: str) -> str:
        return os.path.join(self.run_dir, f"{service}.traces.jsonl")

    def log_file(self, service: str) -> str:
        return self.services[service].log_path

    @property
    def clock_file(self) -> str:
        return os.path.join(self.run_dir, "clock")

    def set_clock(self, when: dt.datetime | None) -> None:
        """Every service's "now" runs on from ``when`` (None: the real time again);
        chassis.clock says how. For trying a whole academic year in a test."""
        set_clock(self.clock_file, when)

    def stop(self) -> None:
        if self.gateway is not None:
            self.gateway.stop()
        for service in reversed(list(self.services.values())):
            service.stop()
        self.kafka.close()
        self.postgres.stop()
        shutil.rmtree(self.run_dir, ignore_errors=True)


def start_infrastructure(fsync: bool = True) -> tuple[PostgresCluster, MockKafkaCluster]:
    postgres = start_postgres(fsync=fsync)
    try:
        kafka = start_mock_kafka()
        for topic in published_topics():
            kafka.create_topic(topic, PARTITIONS)
            kafka.create_topic(f"{topic}.dlq", 1)
    except Exception:
        postgres.stop()
        raise
    return postgres, kafka


def start_platform(
    services: Sequence[str] = SERVICES,
    fsync: bool = True,
    log_level: str = "INFO",
    gateway: bool = True,
) -> Platform:
    postgres, kafka = start_infrastructure(fsync)
    platform = Platform(
        # Hex, so the printed secret never starts with '-' (read as an option by a CLI).
        postgres,
        kafka,
        secrets.token_hex(32),
        tempfile.mkdtemp(prefix="trust-run-"),
    )
    try:
        for name in services:
            env = {
                **os.environ,
                "TRUST_DATABASE_URL": postgres.create_database(name),
                "TRUST_KAFKA_BOOTSTRAP": kafka.bootstrap_servers,
                "TRUST_GRPC_HOST": "127.0.0.1",
                "TRUST_GRPC_PORT": "0",
                "TRUST_TOKEN_SECRET": platform.token_secret,
                "TRUST_ENVIRONMENT": "local",
                "TRUST_TRACE_FILE": platform.trace_file(name),
                "TRUST_METRICS_FILE": os.path.join(platform.run_dir, f"{name}.metrics.jsonl"),
                "TRUST_READY_FILE": os.path.join(platform.run_dir, f"{name}.ready"),
                "TRUST_LOG_LEVEL": log_level,
                CLOCK_FILE_VARIABLE: platform.clock_file,
            }
            service = ServiceProcess(
                name,
                env,
                os.path.join(platform.run_dir, f"{name}.log"),
                env["TRUST_READY_FILE"],
            )
            platform.services[name] = service
            service.start()
        if gateway:
            platform.gateway = start_gateway(platform, log_level=log_level)
    except Exception:
        platform.stop()
        raise
    return platform


def start_gateway(
    platform: Platform,
    backends: dict[str, str] | None = None,
    name: str = GATEWAY,
    log_level: str = "INFO",
    **settings: str,
) -> ServiceProcess:
    """A gateway in front of the platform's services (or ``backends``: name ->
    address), serving the web client; ``settings`` are more TRUST_ variables."""
    run_dir = platform.run_dir
    if backends is None:
        backends = {service: process.address for service, process in platform.services.items()}
    env = {
        **os.environ,
        **settings,
        "TRUST_GATEWAY_BACKENDS": json.dumps(backends),
        "TRUST_GATEWAY_WEB_ROOT": os.environ.get("TRUST_GATEWAY_WEB_ROOT", WEB_CLIENT_DIST),
        "TRUST_GRPC_HOST": "127.0.0.1",
        "TRUST_GRPC_PORT": "0",
        "TRUST_TOKEN_SECRET": platform.token_secret,
        "TRUST_ENVIRONMENT": "local",
        "TRUST_TRACE_FILE": platform.trace_file(name),
        "TRUST_READY_FILE": os.path.join(run_dir, f"{name}.ready"),
        "TRUST_LOG_LEVEL": log_level,
    }
    gateway = ServiceProcess(
        "gateway", env, os.path.join(run_dir, f"{name}.log"), env["TRUST_READY_FILE"]
    )
    gateway.start()
    return gateway


def _tail(path: str, lines: int = 40) -> str:
    try:
        with open(path, errors="replace") as handle:
            return "".join(handle.readlines()[-lines:])
    except OSError:
        return ""
