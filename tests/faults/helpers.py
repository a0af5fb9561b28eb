"""Throwaway servers and processes of the fault tests.

A private Redis and a private PostgreSQL cluster on free ports of their own, so that a test can
stop and restart them without touching the machine's shared servers (other test runs use
those); the web app under gunicorn and Celery workers as subprocesses pointed at them. Every
process is ended by its own id.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import redis
import requests
from celery import Celery
from kombu import Connection

from tests.conftest import REPO

SERVER_SETTINGS = "tests.faults.settings_faults"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(predicate, *, seconds: float, what: str, interval: float = 0.1):
    """Poll ``predicate`` until it returns something true; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds} s waiting for {what}")
        time.sleep(interval)


def end(
    process: subprocess.Popen | None, *, sig: int = signal.SIGQUIT, seconds: float = 15
) -> None:
    """Stop one process we started and reap it. SIGQUIT is the quick (cold) shutdown of both
    gunicorn and Celery, which also end their own children; SIGKILL is a crash."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=seconds)


def database_url(settings_dict) -> str:
    """postgres:// URL of a Django connection's database (the test database of this run)."""
    s = settings_dict
    return (
        f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:"
        f"{s['PORT'] or 5432}/{s['NAME']}"
    )


def app_env(data_dir: Path, **variables) -> dict[str, str]:
    """Environment of an app subprocess: this run's variables plus ``variables``."""
    env = {**os.environ, "DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"}
    env.update({k: str(v) for k, v in variables.items()})
    return env


class PrivateRedis:
    """A Redis of our own, without persistence, that a test may stop and start again."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None
        self.url = f"redis://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.alive, seconds=20, what=f"redis on port {self.port}")

    def freeze(self) -> None:
        """SIGSTOP: it keeps its port (the kernel still accepts connections) but never
        answers, like a hung server or a network that drops packets."""
        self.process.send_signal(signal.SIGSTOP)

    def stop(self) -> None:
        """Kill it: whatever was queued in it is gone, as after a crash."""
        end(self.process, sig=signal.SIGKILL)
        self.process = None

    def client(self, db: int = 0) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, db=db, socket_timeout=2)

    def alive(self) -> bool:
        try:
            return bool(self.client().ping())
        except redis.RedisError:
            return False

    def queued(self, queue: str = "celery") -> int:
        return self.client().llen(queue)


def postgres_bin() -> Path | None:
    """The bin folder of the newest installed PostgreSQL, or None."""
    versions = sorted(
        (p for p in Path("/usr/lib/postgresql").glob("*/bin") if (p / "initdb").exists()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    if versions:
        return versions[-1]
    found = shutil.which("initdb")
    return Path(found).parent if found and shutil.which("pg_ctl") else None


class PrivatePostgres:
    """A PostgreSQL cluster of our own in a temporary folder, on a free port.

    PostgreSQL refuses to run as root: as root the cluster belongs to, and runs as, the
    ``postgres`` system user (present wherever the server package is installed).
    """

    ROLE = "duban"

    def __init__(self):
        self.bin = postgres_bin()
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="duban-faults-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.as_owner: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.root, user="postgres", group="postgres")
            self.as_owner = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        subprocess.run(
            [*self.as_owner, *args], check=True, capture_output=True, text=True, timeout=120
        )

    def init(self) -> None:
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            self.ROLE,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c full_page_writes=off -c synchronous_commit=off"
        )
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options,
            "-w", "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: ``fast`` ends every session and rolls its transaction back."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def running(self) -> bool:
        done = subprocess.run(
            [*self.as_owner, str(self.bin / "pg_ctl"), "-D", str(self.data), "status"],
            capture_output=True,
        )
        return done.returncode == 0

    def url(self, name: str) -> str:
        return f"postgres://{self.ROLE}:{self.ROLE}@127.0.0.1:{self.port}/{name}"

    def psql(self, name: str, sql: str) -> str:
        done = subprocess.run(
            [
                str(self.bin / "psql"),
                *("-h", "127.0.0.1", "-p", str(self.port), "-U", self.ROLE, "-d", name),
                *("-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql),
            ],
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        )
        return done.stdout.strip()

    def copy_database(self, source: dict, name: str) -> None:
        """Create ``name`` as a copy of a Django connection's (migrated) database."""
        self.psql("postgres", f'CREATE DATABASE "{name}"')
        env = {**os.environ, "PGPASSWORD": source["PASSWORD"] or ""}
        dump = subprocess.run(
            [
                str(self.bin / "pg_dump"),
                *("-h", source["HOST"] or "127.0.0.1", "-p", str(source["PORT"] or 5432)),
                *("-U", source["USER"], "--no-owner", "--no-privileges", source["NAME"]),
            ],
            check=True,
            capture_output=True,
            env=env,
            timeout=120,
        )
        subprocess.run(
            [
                str(self.bin / "psql"),
                *("-h", "127.0.0.1", "-p", str(self.port), "-U", self.ROLE, "-d", name),
                *("-X", "-q", "-v", "ON_ERROR_STOP=1"),
            ],
            input=dump.stdout,
            check=True,
            capture_output=True,
            timeout=120,
        )

    def destroy(self) -> None:
        if self.data.exists() and self.running():
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


class WebServer:
    """The app under gunicorn, one worker process handling one request at a time: each
    request then meets the same (persistent) database connection."""

    def __init__(self, env: dict, log_path: Path):
        self.port = free_port()
        self.env = env
        self.log_path = log_path
        self.process: subprocess.Popen | None = None
        self.base = f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable, "-m", "gunicorn", "tracker.wsgi:application",
                    "--bind", f"127.0.0.1:{self.port}", "--workers", "1",
                    "--timeout", "120", "--graceful-timeout", "5",
                ],
                cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        wait_for(self._answers, seconds=60, what="gunicorn to answer /healthz/")

    def _answers(self) -> bool:
        assert self.process.poll() is None, self.log()
        try:
            requests.get(self.base + "/healthz/", timeout=10)
        except requests.RequestException:  # not listening yet, or the worker still booting
            return False
        return True

    def worker_pid(self) -> int:
        """The pid of gunicorn's (single) worker: the same before and after means no restart."""
        children = [
            int(p.name)
            for p in Path("/proc").iterdir()
            if p.name.isdigit() and _parent_of(p) == self.process.pid
        ]
        assert len(children) == 1, children
        return children[0]

    def stop(self) -> None:
        end(self.process)

    def log(self) -> str:
        return self.log_path.read_text()[-4000:]


def _parent_of(proc: Path) -> int | None:
    try:
        stat = (proc / "stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


def sign_in(base: str, username: str, password: str) -> requests.Session:
    """A browser-like session signed in through the login page."""
    session = requests.Session()
    session.get(base + "/login/", timeout=30)
    response = session.post(
        base + "/login/",
        data={
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302, response.text[-2000:]
    return session


def post_form(session: requests.Session, url: str, data: dict, **kwargs) -> requests.Response:
    """POST a page form with the session's CSRF token."""
    return session.post(
        url,
        data={**data, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        allow_redirects=False,
        **kwargs,
    )


class Worker:
    """A Celery worker subprocess (solo pool, the default queue) with its log."""

    def __init__(self, env: dict, log_path: Path):
        self.env = env
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable, "-m", "celery", "-A", "tracker", "worker", "--pool=solo",
                    "--concurrency=1", "--loglevel=INFO", "-Q", "celery",
                    "-n", f"faults-{uuid.uuid4().hex[:8]}@%h",
                    "--without-gossip", "--without-mingle", "--without-heartbeat",
                ],
                cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip

    def log(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""

    def wait_for_log(self, text: str, seconds: float = 60) -> None:
        def seen():
            assert self.process.poll() is None, self.log()[-4000:]
            return text in self.log()

        try:
            wait_for(seen, seconds=seconds, what=f"{text!r} in the worker's log")
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{self.log()[-4000:]}") from None

    def succeeded(self, task_id: str, seconds: float = 60) -> None:
        self.wait_for_log(f"[{task_id}] succeeded", seconds)

    def kill(self) -> None:
        end(self.process, sig=signal.SIGKILL)

    def stop(self) -> None:
        end(self.process)


def send_task(broker_url: str, name: str, **kwargs) -> str:
    """Queue a task by name, as beat or `celery call` would; returns its id.

    A bare Celery client with an explicit connection: Celery reads CELERY_BROKER_URL from
    the environment before any configured broker, and in this process that is the run's
    shared broker, which these tests must never use.
    """
    client = Celery("faults-client", set_as_current=False)
    client.conf.update(task_serializer="json", accept_content=["json"])
    try:
        with Connection(broker_url) as connection:
            return client.send_task(name, kwargs=kwargs, queue="celery", connection=connection).id
    finally:
        client.close()


def run_python(code: str, env: dict, seconds: float = 120) -> str:
    """Run Django code in a fresh process (with ``django.setup()`` done); returns stdout."""
    done = subprocess.run(
        [sys.executable, "-c", "import django\ndjango.setup()\n" + code],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=seconds,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return done.stdout


def emails_to(mail_dir: Path) -> list[str]:
    """The recipient of every e-mail the file backend wrote, sorted."""
    found = []
    for path in mail_dir.glob("*"):
        found += re.findall(r"^To: (.+)$", path.read_text(), flags=re.MULTILINE)
    return sorted(found)
