"""A real, throwaway PostgreSQL server for tests and benchmarks: initdb in a temporary directory, listening
on 127.0.0.1 on a free port (and a socket in that directory), stopped and deleted afterwards.

PostgreSQL refuses to run as root; as root (CI in a container) the server runs as the unprivileged
`nobody`, which owns only the temporary directory. Binaries come from Debian's `postgresql` package
(/usr/lib/postgresql/<version>/bin); `missing()` says why a server cannot be started here.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

RUN_AS = "nobody"


def bindir() -> Path | None:
    """The newest installed PostgreSQL's bin directory, or None."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
                   if p.parent.parent.name.isdigit() else 0)
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def missing() -> str | None:
    """Why no throwaway server can be started (None when one can)."""
    if bindir() is None:
        return "PostgreSQL is not installed (Debian: apt-get install postgresql postgresql-15-postgis-3)"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install -e '.[test]')"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(args: list[str], **kw) -> subprocess.CompletedProcess:
    user = RUN_AS if os.geteuid() == 0 else None
    return subprocess.run(args, user=user, capture_output=True, text=True, check=False, **kw)


class Server:
    def __init__(self, root: Path, port: int):
        self.root, self.port = root, port
        self.user = RUN_AS if os.geteuid() == 0 else None

    def url(self, db: str = "postgres") -> str:
        user = self.user or os.environ.get("USER") or __import__("getpass").getuser()
        return f"postgresql://{user}@127.0.0.1:{self.port}/{db}"

    def create_database(self, name: str) -> str:
        """A new empty database on this server; its address."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


@contextmanager
def server() -> Iterator[Server]:
    """Start a throwaway server; stop it and delete everything on the way out."""
    why = missing()
    if why:
        raise RuntimeError(why)
    bins = bindir()
    root = Path(tempfile.mkdtemp(prefix="borderwatch-pg-"))
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, RUN_AS)
    port = _free_port()
    srv = Server(root, port)
    try:
        done = _run([str(bins / "initdb"), "-D", str(data), "-E", "UTF8", "--locale=C", "--auth=trust", "-U",
                     srv.user or __import__("getpass").getuser()])
        if done.returncode:
            raise RuntimeError(f"initdb failed: {done.stderr.strip()[-2000:]}")
        options = (f"-p {port} -c listen_addresses=127.0.0.1 -k {root} -c fsync=off -c synchronous_commit=off "
                   "-c full_page_writes=off -c max_connections=40 -c shared_buffers=256MB")
        done = _run([str(bins / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "-t", "60",
                     "start"])
        if done.returncode:
            log = (root / "log").read_text(errors="replace")[-2000:] if (root / "log").exists() else ""
            raise RuntimeError(f"pg_ctl start failed: {done.stderr.strip()} {log}")
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        yield srv
    finally:
        if data.exists():
            _run([str(bins / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"])
        shutil.rmtree(root, ignore_errors=True)
