"""A Kafka-protocol broker for local runs and tests: librdkafka's mock cluster.

No Apache Kafka package is reachable from the development machines, but the
``confluent-kafka`` wheel ships librdkafka, whose mock cluster speaks the Kafka
wire protocol over TCP. We drive its public C API through ctypes. The cluster
lives inside the process that owns the handle, so whoever starts it (the local
launcher, the pytest session) must keep it alive for as long as it is used.

Known limits (see shared/architecture.md): in memory, no admin API, one member
per consumer group, about 5 MB kept per partition.
"""

from __future__ import annotations

import ctypes
import glob
import os
from dataclasses import dataclass, field

_RD_KAFKA_PRODUCER = 0
_ERRSTR_SIZE = 512


def _find_librdkafka() -> str:
    import confluent_kafka

    package_dir = os.path.dirname(confluent_kafka.__file__)
    candidates = sorted(
        glob.glob(os.path.join(package_dir, "..", "confluent_kafka.libs", "librdkafka*.so*"))
    )
    if not candidates:
        raise RuntimeError(
            "librdkafka was not found inside the confluent-kafka wheel; "
            "install the manylinux wheel of confluent-kafka"
        )
    return os.path.abspath(candidates[0])


def _load() -> ctypes.CDLL:
    lib = ctypes.CDLL(_find_librdkafka())
    lib.rd_kafka_conf_new.restype = ctypes.c_void_p
    lib.rd_kafka_conf_set.argtypes = [
        ctypes.c_void_p,
        ctypes.c_char_p,
        ctypes.c_char_p,
        ctypes.c_char_p,
        ctypes.c_size_t,
    ]
    lib.rd_kafka_conf_set.restype = ctypes.c_int
    lib.rd_kafka_new.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t]
    lib.rd_kafka_new.restype = ctypes.c_void_p
    lib.rd_kafka_destroy.argtypes = [ctypes.c_void_p]
    lib.rd_kafka_mock_cluster_new.argtypes = [ctypes.c_void_p, ctypes.c_int]
    lib.rd_kafka_mock_cluster_new.restype = ctypes.c_void_p
    lib.rd_kafka_mock_cluster_destroy.argtypes = [ctypes.c_void_p]
    lib.rd_kafka_mock_cluster_bootstraps.argtypes = [ctypes.c_void_p]
    lib.rd_kafka_mock_cluster_bootstraps.restype = ctypes.c_char_p
    lib.rd_kafka_mock_topic_create.argtypes = [
        ctypes.c_void_p,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_int,
    ]
    lib.rd_kafka_mock_topic_create.restype = ctypes.c_int
    lib.rd_kafka_mock_broker_set_down.argtypes = [ctypes.c_void_p, ctypes.c_int32]
    lib.rd_kafka_mock_broker_set_down.restype = ctypes.c_int
    lib.rd_kafka_mock_broker_set_up.argtypes = [ctypes.c_void_p, ctypes.c_int32]
    lib.rd_kafka_mock_broker_set_up.restype = ctypes.c_int
    lib.rd_kafka_mock_push_request_errors_array.argtypes = [
        ctypes.c_void_p,
        ctypes.c_int16,
        ctypes.c_size_t,
        ctypes.POINTER(ctypes.c_int),
    ]
    lib.rd_kafka_mock_push_request_errors_array.restype = None
    lib.rd_kafka_mock_clear_request_errors.argtypes = [ctypes.c_void_p, ctypes.c_int16]
    lib.rd_kafka_mock_clear_request_errors.restype = None
    lib.rd_kafka_mock_group_initial_rebalance_delay_ms.argtypes = [ctypes.c_void_p, ctypes.c_int32]
    lib.rd_kafka_mock_group_initial_rebalance_delay_ms.restype = None
    return lib


@dataclass
class MockKafkaCluster:
    """One running mock cluster. Use :func:`start_mock_kafka` to make one."""

    bootstrap_servers: str
    _lib: ctypes.CDLL
    _handle: int
    _cluster: int
    _topics: set[str] = field(default_factory=set)

    def create_topic(self, name: str, partitions: int = 4, replication_factor: int = 1) -> None:
        """Create ``name`` with ``partitions`` partitions (a no-op if it exists)."""
        if name in self._topics:
            return
        err = self._lib.rd_kafka_mock_topic_create(
            self._cluster, name.encode(), partitions, replication_factor
        )
        if err != 0:
            raise RuntimeError(f"mock Kafka could not create topic {name!r} (error {err})")
        self._topics.add(name)

    def set_broker_down(self, broker_id: int = 1) -> None:
        """Fault injection: the broker stops answering until :meth:`set_broker_up`."""
        self._lib.rd_kafka_mock_broker_set_down(self._cluster, broker_id)

    def set_broker_up(self, broker_id: int = 1) -> None:
        self._lib.rd_kafka_mock_broker_set_up(self._cluster, broker_id)

    def push_request_errors(self, api_key: int, errors: list[int]) -> None:
        """Fault injection: the next ``len(errors)`` requests of Kafka API ``api_key``
        (0 Produce, 1 Fetch, 8 OffsetCommit, 12 Heartbeat, ...), from any client,
        are answered with these Kafka error codes, one each, in order."""
        array = (ctypes.c_int * len(errors))(*errors)
        self._lib.rd_kafka_mock_push_request_errors_array(
            self._cluster, api_key, len(errors), array
        )

    def clear_request_errors(self, api_key: int) -> None:
        """Drop the errors still waiting for requests of ``api_key``."""
        self._lib.rd_kafka_mock_clear_request_errors(self._cluster, api_key)

    def close(self) -> None:
        if self._cluster:
            self._lib.rd_kafka_mock_cluster_destroy(self._cluster)
            self._cluster = 0
        if self._handle:
            self._lib.rd_kafka_destroy(self._handle)
            self._handle = 0


def start_mock_kafka(brokers: int = 1) -> MockKafkaCluster:
    """Start a mock cluster listening on 127.0.0.1 (a free port chosen by librdkafka)."""
    lib = _load()
    errstr = ctypes.create_string_buffer(_ERRSTR_SIZE)
    conf = lib.rd_kafka_conf_new()
    # A quiet client handle: it only hosts the mock cluster.
    lib.rd_kafka_conf_set(conf, b"log_level", b"0", errstr, _ERRSTR_SIZE)
    handle = lib.rd_kafka_new(_RD_KAFKA_PRODUCER, conf, errstr, _ERRSTR_SIZE)
    if not handle:
        raise RuntimeError(f"librdkafka refused a client handle: {errstr.value.decode()}")
    cluster = lib.rd_kafka_mock_cluster_new(handle, brokers)
    if not cluster:
        lib.rd_kafka_destroy(handle)
        raise RuntimeError("librdkafka could not start its mock cluster")
    # Like Kafka's group.initial.rebalance.delay.ms (3 s by default), the mock
    # holds the first join of an empty group: a consumer restarted after a
    # crash would wait it out after the dead member's session expired.
    lib.rd_kafka_mock_group_initial_rebalance_delay_ms(cluster, 0)
    bootstraps = lib.rd_kafka_mock_cluster_bootstraps(cluster).decode()
    return MockKafkaCluster(bootstraps, lib, handle, cluster)
