"""Two replicas behind nginx in a real browser: each session stays on its replica and keeps its photo."""

from __future__ import annotations

import pytest

from deploy import serve
from harness.phone_photos import phone_photo_jpeg
from tests.support.requirements import require


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    require(serve.nginx_binary() is not None, "nginx (Debian package nginx)")
    running = serve.start(2, log_dir=tmp_path_factory.mktemp("replica-logs"))
    yield running
    running.stop()


@pytest.mark.browser
def test_each_session_keeps_its_photo_across_pages_and_both_replicas_serve(browser, deployment, tmp_path):
    photo = tmp_path / "class_photo.jpg"
    photo.write_bytes(phone_photo_jpeg(640, 480))
    replicas = set()
    for _ in range(2):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
            page.goto(deployment.url, timeout=120_000)
            page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(photo))
            page.get_by_text("class_photo.jpg ·").first.wait_for(timeout=120_000)
            page.get_by_role("link", name="Filters, feature maps, Grad-CAM").click()
            page.get_by_text("Photo: class_photo.jpg").first.wait_for(timeout=120_000)
            assert not page.get_by_text("Traceback").count()
            assert errors == []
            replicas |= {c["value"] for c in context.cookies() if c["name"] == serve.COOKIE}
        finally:
            context.close()
    # Round-robin for new browsers: the two sessions landed on the two replicas.
    assert replicas == {f"127.0.0.1:{port}" for port in deployment.replica_ports}
