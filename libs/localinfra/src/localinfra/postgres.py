"""A throwaway PostgreSQL cluster on 127.0.0.1, from Debian's PostgreSQL binaries.

initdb refuses to run as root, so when we are root the cluster runs as the
``postgres`` system user (created by Debian's package) or, failing that, a
dedicated unprivileged user we create. Data lives in a temporary directory
that :meth:`PostgresCluster.stop` removes.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass

from localinfra.ports import free_port

_FALLBACK_USER = "trustpg"


class PostgresNotInstalled(RuntimeError):
    pass


def find_bindir() -> str:
    """The directory holding initdb/pg_ctl (newest installed major version)."""
    env = os.environ.get("PG_BINDIR")
    if env:
        return env
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    for directory in reversed(candidates):
        if os.path.exists(os.path.join(directory, "initdb")):
            return directory
    initdb = shutil.which("initdb")
    if initdb:
        return os.path.dirname(os.path.realpath(initdb))
    raise PostgresNotInstalled(
        "PostgreSQL server binaries were not found: install Debian's 'postgresql' "
        "package (scripts/setup does this) or set PG_BINDIR"
    )


def _unprivileged_user() -> str | None:
    """The user to run PostgreSQL as, or None when we are not root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", _FALLBACK_USER):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", _FALLBACK_USER],
        check=True,
    )
    return _FALLBACK_USER


@dataclass
class PostgresCluster:
    host: str
    port: int
    user: str
    root_dir: str
    bindir: str
    run_as: str | None

    def dsn(self, database: str) -> str:
        return f"postgresql://{self.user}@{self.host}:{self.port}/{database}"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            list(args), check=True, capture_output=True, text=True, user=self.run_as
        )

    def create_database(self, name: str) -> str:
        """Create ``name`` (if missing) and return its DSN."""
        probe = self._run(
            os.path.join(self.bindir, "psql"),
            "-h",
            self.host,
            "-p",
            str(self.port),
            "-U",
            self.user,
            "-d",
            "postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname = '{name}'",
        )
        if probe.stdout.strip() != "1":
            self._run(
                os.path.join(self.bindir, "createdb"),
                "-h",
                self.host,
                "-p",
                str(self.port),
                "-U",
                self.user,
                name,
            )
        return self.dsn(name)

    def drop_database(self, name: str) -> None:
        self._run(
            os.path.join(self.bindir, "dropdb"),
            "-h",
            self.host,
            "-p",
            str(self.port),
            "-U",
            self.user,
            "--if-exists",
            "--force",
            name,
        )

    def crash(self) -> None:
        """Fault injection: ``pg_ctl stop -m immediate``, a crash as far as clients
        and the data directory know (no checkpoint; recovery replays the WAL)."""
        data = os.path.join(self.root_dir, "data")
        subprocess.run(
            [os.path.join(self.bindir, "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop"],
            check=True,
            capture_output=True,
            user=self.run_as,
        )

    def start_again(self) -> None:
        """Start the stopped (or crashed) cluster on its port and data directory,
        with the options it last ran with (PostgreSQL keeps them in postmaster.opts),
        and wait until it accepts connections."""
        data = os.path.join(self.root_dir, "data")
        with open(os.path.join(data, "postmaster.opts")) as handle:
            # `/path/postgres "-D" "/data" "-p" "5432" ...`: the options after the binary.
            options = handle.read().strip().split(" ", 1)[1]
        subprocess.run(
            [
                os.path.join(self.bindir, "pg_ctl"),
                "-D",
                data,
                "-o",
                options.replace(f'"-D" "{data}"', "").strip(),
                "-l",
                os.path.join(self.root_dir, "postgres.log"),
                "-w",
                "-t",
                "60",
                "start",
            ],
            check=True,
            capture_output=True,
            user=self.run_as,
        )
        _wait_ready(self)

    def stop(self) -> None:
        data = os.path.join(self.root_dir, "data")
        if os.path.exists(os.path.join(data, "postmaster.pid")):
            subprocess.run(
                [os.path.join(self.bindir, "pg_ctl"), "-D", data, "-m", "fast", "-w", "stop"],
                capture_output=True,
                user=self.run_as,
            )
        shutil.rmtree(self.root_dir, ignore_errors=True)


def start_postgres(fsync: bool = True, max_connections: int = 300) -> PostgresCluster:
    """initdb a fresh cluster in a temp dir and start it on a free loopback port."""
    bindir = find_bindir()
    run_as = _unprivileged_user()
    root = tempfile.mkdtemp(prefix="trust-pg-")
    data = os.path.join(root, "data")
    sockets = os.path.join(root, "sockets")
    os.makedirs(sockets)
    if run_as:
        account = pwd.getpwnam(run_as)
        os.chmod(root, 0o755)
        for path in (root, sockets):
            os.chown(path, account.pw_uid, account.pw_gid)
    subprocess.run(
        [
            os.path.join(bindir, "initdb"),
            "-D",
            data,
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--no-locale",
            "--no-sync",
        ],
        check=True,
        capture_output=True,
        user=run_as,
    )
    last_error = ""
    for _attempt in range(5):
        port = free_port()
        options = (
            f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 "
            f"-c fsync={'on' if fsync else 'off'} -c max_connections={max_connections} "
            "-c shared_buffers=256MB -c synchronous_commit=on"
        )
        started = subprocess.run(
            [
                os.path.join(bindir, "pg_ctl"),
                "-D",
                data,
                "-o",
                options,
                "-l",
                os.path.join(root, "postgres.log"),
                "-w",
                "-t",
                "60",
                "start",
            ],
            capture_output=True,
            text=True,
            user=run_as,
        )
        if started.returncode == 0:
            cluster = PostgresCluster("127.0.0.1", port, "postgres", root, bindir, run_as)
            _wait_ready(cluster)
            return cluster
        last_error = started.stderr + _tail(os.path.join(root, "postgres.log"))
        time.sleep(0.2)  # the port was taken between probing and binding; try another
    shutil.rmtree(root, ignore_errors=True)
    raise RuntimeError(f"PostgreSQL did not start: {last_error}")


def _wait_ready(cluster: PostgresCluster) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        ready = subprocess.run(
            [
                os.path.join(cluster.bindir, "pg_isready"),
                "-h",
                cluster.host,
                "-p",
                str(cluster.port),
            ],
            capture_output=True,
        )
        if ready.returncode == 0:
            return
        time.sleep(0.1)
    raise RuntimeError(f"PostgreSQL on port {cluster.port} did not become ready")


def _tail(path: str, lines: int = 20) -> str:
    try:
        with open(path) as handle:
            return "".join(handle.readlines()[-lines:])
    except OSError:
        return ""
