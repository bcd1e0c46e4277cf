"""A class at once: N students upload their own phone photo to the Classify page, then open the inside page.

    python bench/classroom_load.py --sessions 1 10 30                 # simulated students, one server process
    python bench/classroom_load.py --sessions 30 --replicas 2         # two processes behind nginx
    python bench/classroom_load.py --sessions 60 --spread 30          # uploads spread over 30 s
    python bench/classroom_load.py --sessions 30 --cold               # the first visits after a start
    python bench/classroom_load.py --sessions 3 --clients chromium    # headless browsers, as a check

Starts ``streamlit run app.py`` on a free local port (or, with ``--replicas``,
that many behind nginx: ``deploy/serve.py``), warms it with one visit a process (not with
``--cold``), then for each N lets N students open the Classify page and, all in
the same second (or student i at i × spread / N s), upload a 12-megapixel,
3 MB phone JPEG stored sideways with EXIF orientation 6: a real cat or dog test
photo from ../shared/data, enlarged with sensor grain (or, without ../shared, a
generated scene, marked so). Every phase of every run has new photos (the
grain's seed comes from ``--seed``, by default the clock), so no cache keyed by
pixels can help. Each student waits for the answer, then opens "Filters,
feature maps, Grad-CAM" and waits for that page.

Students are simulated by default (``bench/simulated_students.py``): they speak
Streamlit's websocket protocol, so the client costs about 0.01 s of CPU a
session and the numbers are the server's. ``--clients chromium`` drives one
headless Chromium per student instead, on the same cores as the server (the
browsers then use more CPU than the server; keep it to a few sessions).

Printed per N: p50/p95 of both waits, errors (a traceback, a missing or wrong
label, a timeout), the share of right labels, the server's CPU seconds per
session and the clients', the server's peak RSS during the phase and its RSS
``--settle`` seconds after (default 120), and at the end a markdown table.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from bench.simulated_students import visit  # noqa: E402
from core.paths import SHARED_DIR  # noqa: E402
from deploy import serve  # noqa: E402
from harness.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from harness.phone_photos import exif_bytes  # noqa: E402

UPLOADER = '[data-testid="stFileUploaderDropzoneInput"]'
INSIDE_LINK = "Filters, feature maps, Grad-CAM"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PHOTO_SIZE = (3000, 4000)  # upright width × height of a 12 MP portrait phone photo


# --- the photos -------------------------------------------------------------------------------

def phone_jpeg(upright: np.ndarray, seed: int, size: tuple[int, int] = PHOTO_SIZE) -> bytes:
    """``upright`` enlarged to ``size`` (12 MP) with grain, stored sideways with EXIF orientation 6 (~3 MB)."""
    picture = np.asarray(Image.fromarray(upright).resize(size, Image.Resampling.BICUBIC), np.float32)
    grain = np.random.default_rng(seed).normal(0.0, 5.0, picture.shape[:2] + (1,)).astype(np.float32)
    picture = np.clip(picture + grain, 0, 255).astype(np.uint8)
    # Orientation 6 means "turn 90° clockwise to show": the stored pixels are the upright ones turned back.
    stored = np.ascontiguousarray(np.rot90(picture, k=1))
    buffer = io.BytesIO()
    Image.fromarray(stored).save(buffer, "JPEG", quality=90, exif=exif_bytes(6))
    return buffer.getvalue()


def class_photos(count: int, seed: int, phase: str) -> tuple[list[tuple[str, bytes, str | None]], str]:
    """(file name, JPEG bytes, expected label or None) per student, new for each ``seed`` and phase."""
    rng = np.random.default_rng(seed)
    test_dir = SHARED_DIR / "data" / "cats_dogs" / "test"
    photos = []
    if test_dir.is_dir():
        files = [(path, "cat" if label == "cats" else "dog")
                 for label in ("cats", "dogs") for path in sorted((test_dir / label).glob("*.jpg"))]
        for index, choice in enumerate(rng.choice(len(files), size=count, replace=count > len(files))):
            path, label = files[choice]
            upright = np.asarray(Image.open(path).convert("RGB"))
            photos.append((f"{phase}-student{index:02d}_{path.stem}.jpg",
                           phone_jpeg(upright, int(rng.integers(2**31))), label))
        return photos, f"real test photos from {test_dir}"
    for index in range(count):
        upright = rng.integers(0, 256, (40, 30, 3)).astype(np.uint8)
        photos.append((f"{phase}-student{index:02d}_generated.jpg", phone_jpeg(upright, index), None))
    return photos, "GENERATED scenes (no ../shared/data here): labels are not checked"


# --- the server's CPU and memory ---------------------------------------------------------------

def cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime
    return total


def rss_bytes(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
    return total


class PeakMemory:
    """Samples the servers' summed RSS every 0.2 s in a thread and keeps the peak."""

    def __init__(self, pids: list[int]):
        self.pids, self.peak, self._stop = pids, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_bytes(self.pids))
            self._stop.wait(0.2)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *_):
        self._stop.set()
        self._thread.join()


# --- one session -------------------------------------------------------------------------------

@dataclass
class SessionResult:
    opened_s: float | None = None  # not timed for browsers
    classify_s: float | None = None
    inside_s: float | None = None
    right: bool | None = None
    errors: list[str] = field(default_factory=list)


async def _wait_idle(page, timeout_ms: int) -> None:
    """Until Streamlit's "running" indicator is gone."""
    await page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
                                 timeout=timeout_ms)


async def open_page(browser, url: str, timeout_ms: int):
    """A student opens the app on a phone and waits until the demo photo's answer is shown."""
    context = await browser.new_context(viewport={"width": 390, "height": 844})
    page = await context.new_page()
    await page.goto(url, timeout=timeout_ms)
    await page.locator(UPLOADER).first.wait_for(state="attached", timeout=timeout_ms)
    await page.locator("h3").first.wait_for(timeout=timeout_ms)
    await _wait_idle(page, timeout_ms)
    return context, page


async def one_session(page, photo: tuple[str, Path, str | None], timeout_ms: int,
                      start_together: asyncio.Barrier | None = None) -> SessionResult:
    """Upload ``photo`` (all sessions at the same moment), wait for its answer, then open the inside page."""
    name, data, expected = photo
    result = SessionResult()
    page.on("pageerror", lambda error: result.errors.append(f"{name}: page error {error}"))
    try:
        if start_together is not None:
            await start_together.wait()
        start = time.perf_counter()
        # A file path, not the bytes: a local Chromium reads it itself, so the 3 MB do not also
        # travel through Playwright's driver (which costs CPU that the server would not see in a class).
        await page.locator(UPLOADER).first.set_input_files(str(data), timeout=timeout_ms)
        await page.get_by_text(f"{name} ·").first.wait_for(timeout=timeout_ms)
        await _wait_idle(page, timeout_ms)
        result.classify_s = time.perf_counter() - start
        headings = " ".join(await page.locator("h3").all_inner_texts()).lower()
        if "traceback" in (await page.content()).lower():
            result.errors.append(f"{name}: a traceback on the Classify page")
        result.right = None if expected is None else f" {expected}" in headings  # the model's, not an error
        start = time.perf_counter()
        # On a phone the navigation sits behind the sidebar button; the link is in the page all the same.
        await page.locator('a[href*="/inside"]').first.dispatch_event("click")
        await page.get_by_text(f"Photo: {name}").first.wait_for(timeout=timeout_ms)
        await _wait_idle(page, timeout_ms)
        result.inside_s = time.perf_counter() - start
    except Exception as error:  # a timeout or a closed page: counted, not fatal for the run
        result.errors.append(f"{name}: {type(error).__name__}: {str(error).splitlines()[0][:120]}")
    return result


def client_cpu() -> dict[int, float]:
    """CPU seconds of every Chromium and Playwright driver process now (the benchmark's own clients)."""
    seconds = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            command = (proc / "cmdline").read_bytes()
            if b"chrom" not in command and b"playwright" not in command:
                continue
            seconds[int(proc.name)] = cpu_seconds([int(proc.name)])
        except OSError:
            continue
    return seconds


@dataclass
class Row:
    """One phase: N students, measured."""

    label: str
    results: list
    server_cpu: float
    client_cpu: float
    peak: int
    after: int

    def numbers(self) -> dict[str, float]:
        waits = {}
        for step in ("opened", "classify", "inside"):
            times = [getattr(r, f"{step}_s") for r in self.results if getattr(r, f"{step}_s") is not None]
            waits[f"{step}_p50"], waits[f"{step}_p95"] = median(times), percentile(times, 0.95)
        labelled = [r.right for r in self.results if r.right is not None]
        count = len(self.results)
        return {**waits, "errors": sum(len(r.errors) for r in self.results),
                "right": sum(labelled) / len(labelled) if labelled else float("nan"),
                "server_cpu": self.server_cpu / count, "client_cpu": self.client_cpu / count,
                "peak_gb": self.peak / 2**30, "after_gb": self.after / 2**30}

    def line(self, settle: float) -> str:
        n = self.numbers()
        # Opening Classify (the demo photo's answer) comes before the measured phase; on a cold server it loads
        # the model.
        return (f"{self.label}: opened p50 {n['opened_p50']:.1f} s p95 {n['opened_p95']:.1f} s | classify p50 "
                f"{n['classify_p50']:.1f} s p95 {n['classify_p95']:.1f} s | inside p50 "
                f"{n['inside_p50']:.1f} s p95 {n['inside_p95']:.1f} s | errors {n['errors']} | right labels "
                f"{n['right']:.0%} | server CPU {n['server_cpu']:.2f} s/session, clients {n['client_cpu']:.2f} "
                f"s/session | peak RSS {n['peak_gb']:.2f} GB | RSS {settle:.0f} s after {n['after_gb']:.2f} GB")

    def table_row(self) -> str:
        n = self.numbers()
        return (f"| {self.label} | {n['classify_p50']:.1f} / {n['classify_p95']:.1f} s | {n['inside_p50']:.1f} / "
                f"{n['inside_p95']:.1f} s | {n['errors']} | {n['right']:.0%} | {n['server_cpu']:.2f} s | "
                f"{n['client_cpu']:.2f} s | {n['peak_gb']:.2f} GB | {n['after_gb']:.2f} GB |")


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def start_server(replicas: int):
    """(address, server process ids, stop) for one ``streamlit run`` or ``replicas`` behind nginx."""
    if replicas:
        deployment = serve.start(replicas)
        return deployment.url, [p.pid for p in deployment.replicas], deployment.stop
    port = serve.free_port()
    log = open(PROJECT_ROOT / "artifacts" / "classroom-load-server.log", "w")
    server = subprocess.Popen(serve.streamlit_command(port), cwd=PROJECT_ROOT, stdout=log,
                              stderr=subprocess.STDOUT, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"})
    url = f"http://127.0.0.1:{port}"
    serve.wait_for(f"{url}/_stcore/health", [server])

    def stop():
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            print("the server did not stop within 15 s of SIGTERM, so it was killed")

    return url, [server.pid], stop


async def simulated_phase(url: str, photos, spread: float, timeout: float, pids: list[int]):
    """Every student opens the page; then all upload together (or spread); (results, server CPU, client CPU, peak)."""
    opened: asyncio.Queue = asyncio.Queue()
    start = asyncio.Event()
    tasks = [asyncio.create_task(visit(url, name, data, label, timeout, opened, start, index * spread / len(photos)))
             for index, (name, data, label) in enumerate(photos)]
    for _ in photos:
        await opened.get()
    server_before, client_before = cpu_seconds(pids), time.process_time()
    with PeakMemory(pids) as memory:
        start.set()
        results = await asyncio.gather(*tasks)
    return results, cpu_seconds(pids) - server_before, time.process_time() - client_before, memory.peak


async def chromium_phase(browser, url: str, photos, spread: float, timeout: float, pids: list[int], folder: Path):
    """The same with one headless Chromium per student (the files are written to ``folder``, as a camera roll)."""
    paths = []
    for name, data, label in photos:
        (folder / name).write_bytes(data)
        paths.append((name, folder / name, label))
    timeout_ms = int(timeout * 1000)
    opened = await asyncio.gather(*(open_page(browser, url, timeout_ms) for _ in paths))
    start_together = asyncio.Barrier(len(paths))

    async def student(index: int, page):
        if spread:
            await start_together.wait()
            await asyncio.sleep(index * spread / len(paths))
            return await one_session(page, paths[index], timeout_ms)
        return await one_session(page, paths[index], timeout_ms, start_together)

    clients_before, server_before = client_cpu(), cpu_seconds(pids)
    with PeakMemory(pids) as memory:
        results = await asyncio.gather(*(student(index, page) for index, (_, page) in enumerate(opened)))
    server_used = cpu_seconds(pids) - server_before
    clients_after = client_cpu()
    browsers = sum(seconds - clients_before.get(pid, 0.0) for pid, seconds in clients_after.items())
    for context, _ in opened:
        await context.close()
    return results, server_used, browsers, memory.peak


async def run(args) -> list[Row]:
    seed = args.seed if args.seed is not None else time.time_ns() % 2**31
    server_kind = f"{args.replicas} replicas behind nginx" if args.replicas else "1 process"
    print(f"photos: new for every phase, grain seed {seed}; 12 MP JPEGs stored sideways with EXIF orientation 6")
    started = time.perf_counter()
    url, pids, stop = start_server(args.replicas)
    print(f"server: {server_kind}, healthy after {time.perf_counter() - started:.1f} s; clients: {args.clients}")
    rows = []
    folder = Path(tempfile.mkdtemp(prefix="classroom-photos-"))
    browser = driver = None
    try:
        if args.clients == "chromium":
            from playwright.async_api import async_playwright

            driver = await async_playwright().start()
            browser = await driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # One visit after another: nginx sends each new visitor to the next replica, so every replica is warmed.
        for name, data, label in [] if args.cold else class_photos(max(1, args.replicas), seed, "warm-up")[0]:
            visited = await visit(url, name, data, label, args.timeout)
            print(f"warm-up visit: opened {visited.opened_s or float('nan'):.1f} s, errors {visited.errors}")
        for phase, count in enumerate(args.sessions):
            photos, origin = class_photos(count, seed + phase, f"p{phase}")
            if phase == 0:
                print(f"photos from: {origin}; {np.mean([len(p[1]) for p in photos]) / 1e6:.1f} MB each")
            if browser is not None:
                outcome = await chromium_phase(browser, url, photos, args.spread, args.timeout, pids, folder)
            else:
                outcome = await simulated_phase(url, photos, args.spread, args.timeout, pids)
            results, server_used, clients_used, peak = outcome
            await asyncio.sleep(args.settle)
            when = "cold" if args.cold and phase == 0 else "warm"
            spread = f"spread over {args.spread:g} s" if args.spread else "at once"
            label = f"{count} {args.clients} students, {server_kind}, {when}, {spread}"
            row = Row(label, results, server_used, clients_used, peak, rss_bytes(pids))
            rows.append(row)
            print(row.line(args.settle), flush=True)
            for error in [error for r in results for error in r.errors][:5]:
                print("   ", error)
    finally:
        if browser is not None:
            await browser.close()
            await driver.stop()
        stop()
        shutil.rmtree(folder, ignore_errors=True)
    print("\n| Students | Classify p50 / p95 | Inside p50 / p95 | Errors | Right labels | Server CPU a session "
          f"| Clients' CPU a session | Peak memory | Memory {args.settle:.0f} s after |\n" + "|---" * 9 + "|")
    for row in rows:
        print(row.table_row())
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 10, 30])
    parser.add_argument("--replicas", type=int, default=0, help="serve with this many processes behind nginx")
    parser.add_argument("--clients", choices=["simulated", "chromium"], default="simulated")
    parser.add_argument("--spread", type=float, default=0.0, help="spread the uploads over this many seconds")
    parser.add_argument("--cold", action="store_true", help="no warm-up visit: the first phase meets a new server")
    parser.add_argument("--seed", type=int, default=None, help="the photos' seed (default: from the clock)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds a student may wait for one step")
    parser.add_argument("--settle", type=float, default=120.0, help="seconds to wait before reading RSS after")
    args = parser.parse_args(argv)
    (PROJECT_ROOT / "artifacts").mkdir(exist_ok=True)
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
