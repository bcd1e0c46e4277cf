"""A class at once: N browser sessions upload their own phone photo, then open the inside page.

    python bench/classroom_load.py --sessions 1 5 20 30 [--replicas 2]

Starts ``streamlit run app.py`` on a free local port (or, with ``--replicas``,
that many behind nginx: ``deploy/serve.py``), warms it with one session, then
for each N runs N headless Chromium contexts at the same moment. Each session
uploads its own generated 12-megapixel phone JPEG (~3 MB, stored sideways with
EXIF orientation 6: a real cat or dog test photo from ../shared/data, enlarged
with sensor grain; or, without ../shared, a generated scene, marked so)
on the Classify page and waits for the prediction, then clicks through to
"Filters, feature maps, Grad-CAM" and waits for that page to finish.

The N students first open the page (and see the demo photo's answer), then
all upload at the same moment; the timer starts at the upload. Printed per N:
p50/p95 of both waits, errors (page exceptions, a traceback, a missing or
wrong label), the server's CPU seconds per session and the browsers' (they run
on the same 2 cores, so this is harsher than a real class, where each student's
phone renders its own page), the server's peak RSS during the phase and its RSS
after the sessions closed.
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

from core.paths import SHARED_DIR  # noqa: E402
from deploy import serve  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.support.image_corpus import exif_bytes  # noqa: E402

UPLOADER = '[data-testid="stFileUploaderDropzoneInput"]'
INSIDE_LINK = "Filters, feature maps, Grad-CAM"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PHOTO_SIZE = (3000, 4000)  # upright width × height of a 12 MP portrait phone photo


# --- the photos -------------------------------------------------------------------------------

def phone_jpeg(upright: np.ndarray, seed: int) -> bytes:
    """``upright`` enlarged to 12 MP with grain, stored sideways with EXIF orientation 6 (~3 MB)."""
    picture = np.asarray(Image.fromarray(upright).resize(PHOTO_SIZE, Image.Resampling.BICUBIC), np.float32)
    grain = np.random.default_rng(seed).normal(0.0, 5.0, picture.shape[:2] + (1,)).astype(np.float32)
    picture = np.clip(picture + grain, 0, 255).astype(np.uint8)
    # Orientation 6 means "turn 90° clockwise to show": the stored pixels are the upright ones turned back.
    stored = np.ascontiguousarray(np.rot90(picture, k=1))
    buffer = io.BytesIO()
    Image.fromarray(stored).save(buffer, "JPEG", quality=90, exif=exif_bytes(6))
    return buffer.getvalue()


def class_photos(count: int) -> tuple[list[tuple[str, bytes, str | None]], str]:
    """(file name, JPEG bytes, expected label or None) per session, and where they came from."""
    test_dir = SHARED_DIR / "data" / "cats_dogs" / "test"
    photos = []
    if test_dir.is_dir():
        files = [(path, "cat" if label == "cats" else "dog")
                 for label in ("cats", "dogs") for path in sorted((test_dir / label).glob("*.jpg"))[:40]]
        chosen = [files[(index * 7) % len(files)] for index in range(count)]  # cats and dogs mixed
        for index, (path, label) in enumerate(chosen):
            upright = np.asarray(Image.open(path).convert("RGB"))
            photos.append((f"student{index:02d}_{path.stem}.jpg", phone_jpeg(upright, index), label))
        return photos, f"real test photos from {test_dir}"
    rng = np.random.default_rng(0)
    for index in range(count):
        upright = rng.integers(0, 256, (40, 30, 3)).astype(np.uint8)
        photos.append((f"student{index:02d}_generated.jpg", phone_jpeg(upright, index), None))
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
    classify_s: float | None = None
    inside_s: float | None = None
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
        if expected is not None and f" {expected}" not in headings:
            result.errors.append(f"{name}: expected {expected!r}, the page says {headings[:80]!r}")
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


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def run(args) -> None:
    from playwright.async_api import async_playwright

    largest = max(args.sessions)
    generated, origin = class_photos(largest + 1)
    print(f"photos: {origin}; {np.mean([len(p[1]) for p in generated]) / 1e6:.1f} MB JPEGs, "
          f"{PHOTO_SIZE[0]}×{PHOTO_SIZE[1]} upright, EXIF orientation 6")
    # The benchmark's own generated files (a phone's camera roll), in a temporary folder it removes.
    folder = Path(tempfile.mkdtemp(prefix="classroom-photos-"))
    photos = []
    for name, data, label in generated:
        (folder / name).write_bytes(data)
        photos.append((name, folder / name, label))
    started = time.perf_counter()
    if args.replicas:
        deployment = serve.start(args.replicas)
        url, pids, stop = deployment.url, [p.pid for p in deployment.replicas], deployment.stop
    else:
        port = serve.free_port()
        log = open(PROJECT_ROOT / "artifacts" / "classroom-load-server.log", "w")
        server = subprocess.Popen(serve.streamlit_command(port), cwd=PROJECT_ROOT, stdout=log,
                                  stderr=subprocess.STDOUT, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"})
        url, pids = f"http://127.0.0.1:{port}", [server.pid]
        serve.wait_for(f"{url}/_stcore/health", [server])

        def stop():
            server.terminate()
            server.wait(timeout=15)
    print(f"server: {'%d replicas behind nginx' % args.replicas if args.replicas else 'one process'}, "
          f"healthy after {time.perf_counter() - started:.1f} s")
    try:
        async with async_playwright() as driver:
            browser = await driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            timeout_ms = args.timeout * 1000
            context, page = await open_page(browser, url, timeout_ms)
            warm = await one_session(page, photos[-1], timeout_ms)
            await context.close()
            print(f"warm-up session: classify {warm.classify_s or float('nan'):.1f} s, errors {warm.errors}")
            for count in args.sessions:
                opened = await asyncio.gather(*(open_page(browser, url, timeout_ms) for _ in range(count)))
                start_together = asyncio.Barrier(count)
                clients_before, cpu_before = client_cpu(), cpu_seconds(pids)
                with PeakMemory(pids) as memory:
                    results = await asyncio.gather(
                        *(one_session(page, photos[index], timeout_ms, start_together)
                          for index, (_, page) in enumerate(opened)))
                cpu_used = cpu_seconds(pids) - cpu_before
                clients_after = client_cpu()
                browser_cpu = sum(seconds - clients_before.get(pid, 0.0) for pid, seconds in clients_after.items())
                for context, _ in opened:
                    await context.close()
                await asyncio.sleep(args.settle)
                classify = [r.classify_s for r in results if r.classify_s is not None]
                inside = [r.inside_s for r in results if r.inside_s is not None]
                errors = [error for r in results for error in r.errors]
                line = (f"N={count:>2}: classify p50 {statistics.median(classify) if classify else float('nan'):.1f} s"
                        f" p95 {percentile(classify, 0.95) if classify else float('nan'):.1f} s | inside p50 "
                        f"{statistics.median(inside) if inside else float('nan'):.1f} s p95 "
                        f"{percentile(inside, 0.95) if inside else float('nan'):.1f} s | errors {len(errors)} | "
                        f"server CPU {cpu_used / count:.2f} s/session, browsers+driver {browser_cpu / count:.2f} s/session"
                        f" | peak RSS {memory.peak / 2**30:.2f} GB | "
                        f"RSS {args.settle:.0f} s after {rss_bytes(pids) / 2**30:.2f} GB")
                print(line, flush=True)
                for error in errors[:5]:
                    print("   ", error)
            await browser.close()
    finally:
        stop()
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 5, 20, 30])
    parser.add_argument("--replicas", type=int, default=0, help="serve with this many processes behind nginx")
    parser.add_argument("--timeout", type=int, default=300, help="seconds a session may wait for one step")
    parser.add_argument("--settle", type=float, default=5.0, help="seconds to wait before reading RSS after")
    args = parser.parse_args(argv)
    (PROJECT_ROOT / "artifacts").mkdir(exist_ok=True)
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
