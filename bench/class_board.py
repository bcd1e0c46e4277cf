"""A class on the class board: a teacher's live board while N students send, label and answer.

    python bench/class_board.py                                   # 30 students, SQLite, one server process
    python bench/class_board.py --students 3                      # a quick check
    python bench/class_board.py --database postgresql             # a fresh PostgreSQL database, dropped after
    python bench/class_board.py --replicas 2                      # two processes behind nginx, one database
    python bench/class_board.py --window 20 --seed 7              # students start over 20 s; the photos' seed

Starts ``streamlit run app.py`` on a free port (or, with ``--replicas 2``, two
behind nginx: ``deploy/serve.py``) with ``CNN_CLASSROOM_DATABASE_URL`` naming a
fresh database: an SQLite file in a temporary folder, or a new PostgreSQL database
beside the tests' (``tests/support/databases.py``). Each replica is warmed with one
visit. Everyone speaks Streamlit's websocket protocol (``bench/class_board_clients.py``
on ``bench/simulated_students.py``), so the server does a browser's work and the
clients cost little:

1. The teacher opens the Lesson page and clicks "Start a class", reads the code and
   the teacher address off the page, then opens that address in a fresh session,
   as a projector would (the key must be taken and dropped from the address), and
   from then on sends the board fragment's rerun every 2 s, as ``run_every`` makes
   the frontend do, reading every refresh's deltas.
2. N students, student i starting at i × window / N s, each in its own session:
   open ``/?class=<code>`` (joined as "Student i"), upload a new 12-megapixel phone
   JPEG (``bench/classroom_load.py``'s), click "Send to the class board", tap the
   photo's true label, open ``/lesson?step=2&model=<model>&class=<code>`` in the same
   session and choose a checkpoint option, then "Next ›" and step 3's checkpoint.

Measured: errors (a traceback in any delta, a timeout, a refusal or a missing
widget or confirmation); whether nothing was lost: the store read directly with the
teacher key holds N students, N photos with their N labels, and N answers to each of
steps 2 and 3; the time from the last student's last write to the board (the label)
to the end of the first refresh showing all N photos and "The model got k of our N
photos right."; p50/p95 of each student action (send, label, answer); the server's
CPU seconds per board refresh (``--refreshes`` back to back, nothing else running)
with 0 photos, before the students, and with N, after them; the servers' peak RSS.
Targets: 0 errors, nothing lost, complete within 5 s, at most 50 ms of CPU a refresh
with 30 photos. A summary line and a markdown table row are printed at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from bench.class_board_clients import RESENT, ClassSession, StudentRun, Teacher, student  # noqa: E402
from bench.classroom_load import PeakMemory, class_photos, cpu_seconds, median, percentile  # noqa: E402
from core.classroom.database import DATABASE_URL_ENV, open_database  # noqa: E402
from core.classroom.store import ClassStore  # noqa: E402
from deploy import serve  # noqa: E402
from harness.databases import fresh_postgres_database, postgres_url  # noqa: E402

ACTIONS = ("send", "label", "answer")


@contextmanager
def fresh_database(kind: str):
    """The URL of a new, empty class database; removed (or dropped) afterwards."""
    if kind == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="class-board-db-"))
        try:
            yield f"sqlite+pysqlite:///{folder / 'classroom.sqlite3'}"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    base = postgres_url()
    if base is None:
        raise SystemExit("No PostgreSQL found (set CNN_CLASSROOM_TEST_POSTGRES_URL or start the local server).")
    with fresh_postgres_database(base) as url:
        yield url


@contextmanager
def servers(replicas: int, database_url: str):
    """(address, server process ids) for one ``streamlit run``, or ``replicas`` of them behind nginx."""
    env = {DATABASE_URL_ENV: database_url, "TF_CPP_MIN_LOG_LEVEL": "2"}
    logs = PROJECT_ROOT / "artifacts"
    logs.mkdir(exist_ok=True)
    if replicas > 1:
        deployment = serve.start(replicas, env=env, log_dir=logs)
        try:
            yield deployment.url, [process.pid for process in deployment.replicas]
        finally:
            deployment.stop()
        return
    with serve.one_process(env, logs / "class-board-server.log") as (port, server):
        yield f"http://127.0.0.1:{port}", [server.pid]

async def warm(url: str, replicas: int, timeout: float) -> None:
    """One visit to the Classify page a replica (nginx sends each new visitor to the next), so each loads the model."""
    for _ in range(replicas):
        session = ClassSession(url)
        try:
            await session.open(timeout)
            await session.go(timeout, "")
        finally:
            await session.close()


async def cpu_per_refresh(teacher: Teacher, pids: list[int], count: int) -> tuple[float, float]:
    """The servers' CPU seconds per board refresh, and its wall seconds, over ``count`` refreshes back to back."""
    await teacher.refresh()  # one not counted: whatever the last action left is done
    cpu, began = cpu_seconds(pids), time.perf_counter()
    for _ in range(count):
        await teacher.refresh()
    return (cpu_seconds(pids) - cpu) / count, (time.perf_counter() - began) / count


@dataclass
class Stored:
    """What the store holds at the end, read with the teacher key."""

    students: int
    photos: int
    labels: int
    right_labels: int  # labels that are the one the student meant to tap
    answers: dict[int, int]

    def lost(self, count: int) -> list[str]:
        wanted = {"students": self.students, "photos": self.photos, "labels": self.labels,
                  "labels as tapped": self.right_labels, "step 2 answers": self.answers[2],
                  "step 3 answers": self.answers[3]}
        return [f"{what} {got} of {count}" for what, got in wanted.items() if got != count]


def stored(database_url: str, code: str, key: str, results: list[StudentRun]) -> Stored:
    engine = open_database(database_url)
    try:
        store = ClassStore(engine)
        board = store.board(code, key)
        meant = {result.name: result.label for result in results}
        return Stored(board.students, len(board.photos), len(board.labelled),
                      sum(1 for photo in board.photos if photo.label is not None
                          and meant.get(photo.name) == photo.label),
                      {step: store.step_answers(code, step).total for step in (2, 3)})
    finally:
        engine.dispose()


@dataclass
class Outcome:
    label: str
    count: int
    results: list[StudentRun]
    teacher: Teacher
    store: Stored
    complete_s: float | None  # last label -> end of the first complete refresh
    cpu_empty: tuple[float, float]
    cpu_full: tuple[float, float]
    peak: int
    resent: list[str]  # HTTP requests sent again after their connection broke, as a browser does

    def errors(self) -> list[str]:
        return self.teacher.errors + [error for result in self.results for error in result.errors]

    def waits(self, action: str) -> tuple[float, float]:
        times = [seconds for result in self.results for seconds in result.times.get(action, [])]
        return median(times), percentile(times, 0.95)

    def refresh_waits(self) -> tuple[float, float]:
        times = [refresh.ended - refresh.began for refresh in self.teacher.refreshes]
        return median(times), percentile(times, 0.95)

    def line(self) -> str:
        lost = self.store.lost(self.count)
        waits = " | ".join(f"{action} p50 {self.waits(action)[0]:.2f} s p95 {self.waits(action)[1]:.2f} s"
                           for action in ("upload", *ACTIONS))
        complete = "never" if self.complete_s is None else f"{self.complete_s:.1f} s"
        ratio = self.cpu_full[0] / self.cpu_empty[0] if self.cpu_empty[0] else float("nan")
        photos = f"{self.count} photo{'s' if self.count != 1 else ''}"
        return (f"{self.label}: errors {len(self.errors())} | HTTP resends {len(self.resent)} | lost: "
                f"{', '.join(lost) or 'nothing'} | board complete "
                f"{complete} after the last label | {waits} | board refresh during the class p50 "
                f"{self.refresh_waits()[0]:.2f} s p95 {self.refresh_waits()[1]:.2f} s | refresh CPU with "
                f"{photos} {self.cpu_full[0] * 1000:.0f} ms ({self.cpu_full[1] * 1000:.0f} ms wall), with 0 "
                f"{self.cpu_empty[0] * 1000:.0f} ms (×{ratio:.1f}) | peak RSS {self.peak / 2**30:.2f} GB")

    def row(self) -> str:
        cells = [self.label, str(len(self.errors())), ", ".join(self.store.lost(self.count)) or "nothing",
                 "never" if self.complete_s is None else f"{self.complete_s:.1f} s"]
        cells += [f"{self.waits(action)[0]:.2f} / {self.waits(action)[1]:.2f} s" for action in ACTIONS]
        cells += [f"{self.cpu_full[0] * 1000:.0f} ms", f"{self.cpu_empty[0] * 1000:.0f} ms",
                  f"{self.peak / 2**30:.2f} GB"]
        return "| " + " | ".join(cells) + " |"


TABLE_HEAD = ("| Run | Errors | Lost | Board complete after last label | Send p50 / p95 | Label p50 / p95 | "
              "Answer p50 / p95 | Refresh CPU, N photos | Refresh CPU, 0 photos | Peak RSS |\n" + "|---" * 10 + "|")


async def one_class(args, url: str, pids: list[int], database_url: str, label: str) -> Outcome:
    seed = args.seed if args.seed is not None else time.time_ns() % 2**31
    photos, origin = class_photos(args.students, seed, "class")
    print(f"photos: {origin}, grain seed {seed}", flush=True)
    teacher = Teacher(url, args.timeout)
    RESENT.clear()
    code, key = await teacher.start_class()
    await teacher.open_board(code, key)
    print(f"class {code}: the teacher address opened the board in a fresh session", flush=True)
    cpu_empty = await cpu_per_refresh(teacher, pids, args.refreshes)
    teacher.refreshes = []
    stop = asyncio.Event()
    with PeakMemory(pids) as memory:
        refreshing = asyncio.create_task(teacher.keep_refreshing(stop))
        start = time.perf_counter() + 0.5
        results = await asyncio.gather(*(
            student(url, code, name, data, truth or "neither", start + index * args.window / len(photos),
                    args.timeout, seed + index)
            for index, (name, data, truth) in enumerate(photos)))
        finished = [result.labelled_at for result in results if result.labelled_at is not None]
        last_label = max(finished) if finished else time.perf_counter()
        complete = None
        while complete is None and time.perf_counter() < last_label + args.complete_within:
            complete = next((refresh for refresh in teacher.refreshes if refresh.complete(len(photos))), None)
            await asyncio.sleep(0.1)
        stop.set()
        await refreshing
        cpu_full = await cpu_per_refresh(teacher, pids, args.refreshes)
        peak = memory.peak
    await teacher.close()
    return Outcome(label, len(photos), results, teacher, stored(database_url, code, key, results),
                   None if complete is None else complete.ended - last_label, cpu_empty, cpu_full, peak,
                   list(RESENT))


async def run(args) -> Outcome:
    server_kind = f"{args.replicas} replicas behind nginx" if args.replicas > 1 else "1 process"
    students = f"{args.students} student{'s' if args.students != 1 else ''}"
    label = f"{students}, {args.database}, {server_kind}, over {args.window:g} s"
    with ExitStack() as stack:
        database_url = stack.enter_context(fresh_database(args.database))
        began = time.perf_counter()
        url, pids = stack.enter_context(servers(args.replicas, database_url))
        print(f"server: {server_kind} on {args.database}, healthy after {time.perf_counter() - began:.1f} s",
              flush=True)
        await warm(url, max(1, args.replicas), args.timeout)
        outcome = await one_class(args, url, pids, database_url, label)
    print(outcome.line())
    for error in outcome.errors()[:8] + outcome.resent[:4]:
        print("   ", error)
    print("\n" + TABLE_HEAD + "\n" + outcome.row())
    return outcome


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--replicas", type=int, choices=(1, 2), default=1, help="2: two processes behind nginx")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--window", type=float, default=10.0, help="students start spread over this many seconds")
    parser.add_argument("--seed", type=int, default=None, help="the photos' seed (default: from the clock)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds one step may take")
    parser.add_argument("--refreshes", type=int, default=20, help="board refreshes the CPU is measured over")
    parser.add_argument("--complete-within", type=float, default=60.0,
                        help="seconds after the last label to wait for a complete board")
    args = parser.parse_args(argv)
    if args.students < 1:
        parser.error("--students must be at least 1")
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
