"""Serve a class from several Streamlit processes behind nginx, with sticky sessions.

    python -m deploy.serve --replicas 2 --port 8080 --address 0.0.0.0

``--address 0.0.0.0`` lets the room's phones in (nginx then listens on every
network of this computer); the default, 127.0.0.1, serves this computer only.

Streamlit keeps each browser session (its photo, its widgets, its uploads) in
the memory of the process that holds the session's websocket, so every request
of one browser must reach the same process. Open-source nginx has no ``sticky``
directive; this config does the same with a cookie: a browser without the
``replica`` cookie is sent round-robin to a replica, and the page's reply sets
the cookie to that replica's address; from then on the cookie picks the
replica. Static files (the same on every replica) go to any replica.

One process per core: a session's work runs partly under Python's GIL, so one
process uses about one core; the README's "Serving a class" gives the numbers.
``/healthz`` answers 200 when nginx is up; each replica's own health is at
``/_stcore/health`` on its port. Ctrl-C stops everything.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
COOKIE = "replica"


#: Where nginx listens unless told otherwise: this computer only, as ``streamlit run`` does.
LOCAL_ADDRESS = "127.0.0.1"


def nginx_config(listen_port: int, replica_ports: list[int], work_dir: Path,
                 listen_address: str = LOCAL_ADDRESS) -> str:
    """The nginx configuration for ``replica_ports`` on loopback, listening on ``listen_address:listen_port``."""
    if not replica_ports:
        raise ValueError("Give at least one replica port.")
    servers = "\n".join(f"        server 127.0.0.1:{port};" for port in replica_ports)
    # Only the known replica addresses are accepted from the cookie; anything else goes round-robin.
    known = "\n".join(f'        "127.0.0.1:{port}" 127.0.0.1:{port};' for port in replica_ports)
    keep = "\n".join(f'        "127.0.0.1:{port}" "";' for port in replica_ports)
    return f"""
worker_processes 1;
pid {work_dir}/nginx.pid;
error_log {work_dir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {work_dir}/body;
    proxy_temp_path {work_dir}/proxy;
    fastcgi_temp_path {work_dir}/fastcgi;
    uwsgi_temp_path {work_dir}/uwsgi;
    scgi_temp_path {work_dir}/scgi;
    # Phone photos: Streamlit itself allows 50 MB (.streamlit/config.toml). Uploads are streamed
    # to the replica and replies never spooled to a file: nothing a student sends touches the disk.
    client_max_body_size 50m;
    proxy_request_buffering off;
    proxy_max_temp_file_size 0;

    upstream replicas {{
{servers}
    }}
    # A second pool for static files, so they don't advance the round-robin that spreads new browsers.
    upstream static_files {{
{servers}
    }}
    map $cookie_{COOKIE} $replica {{
        default replicas;
{known}
    }}
    # Set the cookie only when the browser has no valid one, so one session never moves.
    map $cookie_{COOKIE} $set_replica_cookie {{
        default "{COOKIE}=$upstream_addr; Path=/; HttpOnly; SameSite=Lax";
{keep}
    }}
    map $http_upgrade $connection_upgrade {{
        default upgrade;
        "" close;
    }}

    server {{
        listen {listen_address}:{listen_port};
        location = /healthz {{
            default_type text/plain;
            return 200 "ok\\n";
        }}
        location /static/ {{
            proxy_pass http://static_files;
        }}
        location / {{
            proxy_pass http://$replica;
            proxy_http_version 1.1;
            proxy_set_header Host $host;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_read_timeout 1h;  # the websocket stays open for the whole lesson
            add_header Set-Cookie $set_replica_cookie;
        }}
    }}
}}
"""


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def wait_for(url: str, processes: list[subprocess.Popen], timeout_s: float = 120.0) -> None:
    """Poll ``url`` until it answers 200; raise if a process exits first or time runs out."""
    deadline = time.monotonic() + timeout_s
    while not answers(url):
        if any(process.poll() is not None for process in processes):
            raise RuntimeError(f"A server process exited before {url} answered.")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer within {timeout_s:.0f} s.")
        time.sleep(0.2)


def streamlit_command(port: int) -> list[str]:
    return [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
            "--server.address", "127.0.0.1", "--server.headless", "true",
            "--browser.gatherUsageStats", "false"]


@contextmanager
def one_process(env: dict | None = None, log_path: Path | None = None) -> Iterator[tuple[int, subprocess.Popen]]:
    """One ``streamlit run app.py`` on a free local port, healthy, until the block ends: (port, process)."""
    port = free_port()
    log = open(log_path, "w") if log_path is not None else subprocess.DEVNULL
    process = subprocess.Popen(streamlit_command(port), cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT,
                               env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", **(env or {})})
    try:
        wait_for(f"http://127.0.0.1:{port}/_stcore/health", [process])
        yield port, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        if log_path is not None:
            log.close()


@dataclass
class Deployment:
    """Running replicas and the nginx in front of them."""

    url: str
    replica_ports: list[int]
    replicas: list[subprocess.Popen] = field(default_factory=list)
    nginx: subprocess.Popen | None = None
    work_dir: Path | None = None

    @property
    def pids(self) -> list[int]:
        return [process.pid for process in self.replicas] + ([self.nginx.pid] if self.nginx else [])

    def stop(self) -> None:
        for process in [*self.replicas, *([self.nginx] if self.nginx else [])]:
            if process.poll() is None:
                process.terminate()
        for process in [*self.replicas, *([self.nginx] if self.nginx else [])]:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        if self.work_dir is not None:
            shutil.rmtree(self.work_dir, ignore_errors=True)


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.path.exists(p)), None)


def start(replicas: int, port: int | None = None, log_dir: Path | None = None, env: dict | None = None,
          address: str = LOCAL_ADDRESS) -> Deployment:
    """Start ``replicas`` Streamlit processes and nginx on ``address``; return when all answer their health checks.

    The replicas always listen on loopback: only nginx faces the room.
    """
    if replicas < 1:
        raise ValueError(f"Use at least one replica, not {replicas}.")
    nginx = nginx_binary()
    if nginx is None:
        raise RuntimeError("nginx is not installed (Debian: apt-get install nginx).")
    port = port or free_port()
    replica_ports = [free_port() for _ in range(replicas)]
    work_dir = Path(tempfile.mkdtemp(prefix="cnn-classroom-nginx-"))
    deployment = Deployment(url=f"http://127.0.0.1:{port}", replica_ports=replica_ports, work_dir=work_dir)
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", **(env or {})}
    try:
        for index, replica_port in enumerate(replica_ports):
            log = open((log_dir or work_dir) / f"replica-{index}.log", "w")
            deployment.replicas.append(subprocess.Popen(
                streamlit_command(replica_port), cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT,
                env=environment))
        config = work_dir / "nginx.conf"
        config.write_text(nginx_config(port, replica_ports, work_dir, address))
        deployment.nginx = subprocess.Popen([nginx, "-c", str(config), "-p", str(work_dir), "-g", "daemon off;"],
                                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        for replica_port in replica_ports:
            wait_for(f"http://127.0.0.1:{replica_port}/_stcore/health", deployment.replicas)
        wait_for(f"{deployment.url}/healthz", [deployment.nginx])
    except BaseException:
        deployment.stop()
        raise
    return deployment


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicas", type=int, default=os.cpu_count() or 1,
                        help="Streamlit processes (default: one per core)")
    parser.add_argument("--port", type=int, default=8080, help="the port students open (default 8080)")
    parser.add_argument("--address", default=LOCAL_ADDRESS,
                        help="where nginx listens: 0.0.0.0 for the room's phones (default 127.0.0.1, this computer)")
    args = parser.parse_args(argv)
    try:
        deployment = start(args.replicas, args.port, log_dir=PROJECT_ROOT / "artifacts", address=args.address)
    except (RuntimeError, ValueError) as error:
        print(f"Could not start: {error}", file=sys.stderr)
        return 1
    print(f"Serving on {deployment.url} with {args.replicas} replicas on ports "
          f"{', '.join(map(str, deployment.replica_ports))}; Ctrl-C stops.")
    if args.address != LOCAL_ADDRESS:
        print(f"Phones open http://<this computer's network address>:{args.port}/ (on Linux `hostname -I` prints it).")
    stop = False

    def request_stop(*_):
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, request_stop)
    try:
        while not stop and all(p.poll() is None for p in deployment.replicas):
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        deployment.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
