"""The classroom benchmark's simulated students really use the app: each gets its own answer and its inside page."""

from __future__ import annotations

import asyncio
import os
import subprocess

import pytest

from bench.classroom_load import phone_jpeg
from bench.simulated_students import visit
from deploy import serve
from tests.conftest import PROJECT_ROOT


@pytest.fixture(scope="module")
def server_url():
    port = serve.free_port()
    (PROJECT_ROOT / "artifacts").mkdir(exist_ok=True)
    log = open(PROJECT_ROOT / "artifacts" / "simulated-students-test.log", "w")
    process = subprocess.Popen(serve.streamlit_command(port), cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT,
                               env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"})
    url = f"http://127.0.0.1:{port}"
    try:
        serve.wait_for(f"{url}/_stcore/health", [process], timeout_s=120)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=15)
        log.close()


def two_colours() -> list[tuple[str, bytes]]:
    """Two small sideways phone photos of different scenes, as the benchmark makes them (smaller, to be quick)."""
    import numpy as np

    rng = np.random.default_rng(3)
    photos = []
    for index in range(2):
        upright = rng.integers(0, 256, (8, 6, 3)).astype(np.uint8)
        photos.append((f"student{index}_scene.jpg", phone_jpeg(upright, index, size=(300, 400))))
    return photos


def test_two_students_at_once_each_get_an_answer_and_the_inside_page_of_their_own_photo(server_url):
    async def class_of_two():
        opened: asyncio.Queue = asyncio.Queue()
        start = asyncio.Event()
        tasks = [asyncio.create_task(visit(server_url, name, data, None, 180, opened, start))
                 for name, data in two_colours()]
        for _ in tasks:
            await opened.get()
        start.set()
        return await asyncio.gather(*tasks)

    visits = asyncio.run(class_of_two())
    for visited in visits:
        # No traceback, no timeout, the Classify page captioned this photo, the inside page says "Photo: <its name>".
        assert visited.errors == []
        # The Classify page's heading for this photo: an answer in the model's words, or its honest "Not sure".
        assert any(word in visited.answer for word in ("cat", "dog", "Not sure")), visited.answer
        assert visited.classify_s is not None and visited.inside_s is not None
    assert len({visited.name for visited in visits}) == 2
