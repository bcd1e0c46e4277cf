"""axe-core in the browser tests: inject the vendored copy, run the WCAG 2.0 / 2.1 A and AA rules, skip the allowed.

``vendor/axe.min.js`` is axe-core 4.14.1 from npm (``npm pack axe-core@4.14.1``), vendored with its
MPL-2.0 ``LICENSE`` so the README's ``pytest`` needs no network and no npm. To update it: ``npm pack
axe-core@4``, then copy ``package/axe.min.js`` and ``package/LICENSE`` over these two files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

VENDOR = Path(__file__).resolve().parent / "vendor"
AXE_SCRIPT = VENDOR / "axe.min.js"

#: WCAG 2.0 and 2.1, levels A and AA: the rules issue #24 asks for (axe's "best-practice" rules are not WCAG).
TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")


@dataclass(frozen=True)
class Allowed:
    """A finding tolerated only inside one of Streamlit's own components, with the reason it cannot be fixed here."""

    rule: str
    inside: str  # a CSS selector of Streamlit's component (by its data-testid); the finding's element must be in it
    reason: str


#: Every finding the accessibility test lets pass. Only Streamlit's own markup, each with its reason.
ALLOWED = (
    Allowed("list", '[data-testid="stSidebarNavItems"]',
            "Streamlit's page menu with sections (st.navigation with a dict) puts each section's header and links in "
            "a <div> directly inside its <ul>. No setting changes that markup: the only ways out are a menu without "
            "the section headers (a plain list) or replacing Streamlit's menu with st.page_link, and CSS cannot "
            "change the list's structure. The links themselves are named links a screen reader reaches."),
    Allowed("listitem", '[data-testid="stSidebarNavItems"]',
            "The same menu: its <li> links sit in that <div>, not directly in the <ul> (see 'list')."),
)

#: Run axe on the whole document and return each finding's rule, element and message; skip the allowed ones.
RUN = """async ([tags, allowed]) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  const isAllowed = (rule, target) => {
    if (target.length !== 1) return false;  // inside a frame or a shadow root: never Streamlit's menu
    const element = document.querySelector(target[0]);
    return Boolean(element) && allowed.some(([id, inside]) => id === rule && element.closest(inside));
  };
  return result.violations.flatMap(violation => violation.nodes
    .filter(node => !isAllowed(violation.id, node.target))
    .map(node => ({rule: violation.id, target: node.target.join(' '), html: node.html.slice(0, 160),
                   why: node.failureSummary.replace(/\\s+/g, ' ').slice(0, 240)})));
}"""


def violations(page) -> list[dict]:
    """The page's WCAG 2 A/AA violations that :data:`ALLOWED` does not cover (axe is injected once per document)."""
    if not page.evaluate("() => Boolean(window.axe)"):
        page.add_script_tag(content=AXE_SCRIPT.read_text(encoding="utf-8"))
    return page.evaluate(RUN, [list(TAGS), [[allowed.rule, allowed.inside] for allowed in ALLOWED]])
