"""The lesson's ten steps: their titles, where students explore each idea further, and the step in a URL."""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import ip_address
from urllib.parse import urlsplit


@dataclass(frozen=True)
class StepInfo:
    number: int  # 1-based, as a teacher says it
    title: str
    try_page: str  # the page file students open to explore the idea further
    try_label: str
    try_what: str  # what they do there
    try_query: tuple[tuple[str, str], ...] = ()  # the page's settings for this idea (the lab reads its link)


STEPS: tuple[StepInfo, ...] = (
    StepInfo(1, "The photo is a grid of numbers", "app_pages/classify.py", "Classify a photo",
             "upload your own photo and look at the grid of numbers the network receives"),
    StepInfo(2, "One filter makes one number", "app_pages/lab.py", "Convolution & pooling lab",
             "type your own 3×3 filter and watch it slide over a small image",
             (("preset", "edge"), ("view", "convolution"))),
    StepInfo(3, "ReLU keeps the positives", "app_pages/lab.py", "Convolution & pooling lab",
             "switch ReLU on and off and see which numbers become 0",
             (("preset", "sobel_x"), ("view", "convolution"), ("relu", "1"))),
    StepInfo(4, "Pooling keeps the strongest", "app_pages/lab.py", "Convolution & pooling lab",
             "step through max pooling one window at a time",
             (("preset", "pooling"), ("view", "pooling"))),
    StepInfo(5, "Deeper layers: smaller, more abstract maps", "app_pages/inside.py",
             "Filters, feature maps, Grad-CAM", "open every layer's feature maps for your photo"),
    StepInfo(6, "From maps to one decision", "app_pages/lab.py", "Convolution & pooling lab",
             "flatten a block, weigh it with one neuron and squash it with the sigmoid",
             (("view", "decision"),)),
    StepInfo(7, "The answer, and where it looked", "app_pages/inside.py", "Filters, feature maps, Grad-CAM",
             "compare Grad-CAM for cat and for dog on your photo"),
    StepInfo(8, "How it learned", "app_pages/training.py", "Training",
             "compare the training curves of every model, or train a small one live"),
    StepInfo(9, "What it cannot do", "app_pages/classify.py", "Classify a photo",
             "try a photo that is neither a cat nor a dog, or one turned sideways"),
    StepInfo(10, "Recap", "app_pages/architecture.py", "Architecture",
             "see the whole network layer by layer, with every shape"),
)

STEP_COUNT = len(STEPS)


def step_info(number: int) -> StepInfo:
    if not 1 <= number <= STEP_COUNT:
        raise ValueError(f"The lesson has steps 1 to {STEP_COUNT}, not {number}.")
    return STEPS[number - 1]


def step_from_query(value: str | None) -> int:
    """The step a URL asks for ("3" -> 3); a missing or unreadable one starts at 1, one past the end is clamped."""
    if value is None:
        return 1
    try:
        number = int(str(value).strip())
    except ValueError:
        return 1
    return min(max(number, 1), STEP_COUNT)


def step_query(step: int, model: str) -> dict[str, str]:
    """The query parameters of a step's URL for students: that step and model, presentation mode off."""
    step_info(step)
    return {"step": str(step), "model": model}


def only_this_computer(url: str) -> bool:
    """Whether ``url`` names this computer itself (localhost, 127.x, ::1), which no phone in the room can open."""
    host = (urlsplit(url).hostname or "").lower()
    if host in ("", "localhost") or host.endswith(".localhost"):
        return True
    try:
        return ip_address(host).is_loopback or ip_address(host).is_unspecified
    except ValueError:  # a name such as classroom.example: phones resolve it themselves
        return False


def reach_the_server_hint(url: str) -> str:
    """The one line a teacher needs when the lesson's address only works on this computer."""
    port = urlsplit(url).port or 8501
    return (f"Phones cannot open {urlsplit(url).hostname}: it means this computer. Start the app on the room's "
            f"network with `streamlit run app.py --server.address 0.0.0.0 --server.port {port}` (or, for a whole "
            f"class, `python -m deploy.serve --address 0.0.0.0 --port {port}`), then open it here at "
            f"http://<this computer's network address>:{port}/lesson (on Linux `hostname -I` prints it; "
            "on Windows `ipconfig`), and the QR code will show that address.")
