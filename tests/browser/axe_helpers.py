"""Running axe-core (vendored npm package, tests only) on a page and reporting what it finds.

``vendor/axe-core/axe.min.js`` is the unmodified ``axe.min.js`` of the npm package
``axe-core`` (version in its first line; MPL-2.0, see ``vendor/axe-core/LICENSE``). It is
injected into the page under test by Playwright and is never served by the app.
"""

from __future__ import annotations

from pathlib import Path

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
# WCAG 2.x A/AA plus axe's best practices (link-in-text-block, region, landmarks...).
RUN_OPTIONS = {"resultTypes": ["violations"]}

_RUN_JS = """async (options) => {
    const result = await window.axe.run(document, options);
    return result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
        nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 200),
                                  summary: (n.failureSummary || '').slice(0, 400)}))
    }));
}"""


def run_axe(page) -> list[dict]:
    """Every axe violation on the current page (all impacts)."""
    if not page.evaluate("() => !!window.axe"):
        page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(_RUN_JS, RUN_OPTIONS)


def blocking(violations: list[dict]) -> list[dict]:
    """The serious and critical violations."""
    return [v for v in violations if v["impact"] in BLOCKING]


def report(violations: list[dict], limit: int = 6) -> str:
    """A readable list: rule, impact, help, and the first few elements with their fix."""
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}, {len(v['nodes'])} elements): {v['help']}")
        for node in v["nodes"][:limit]:
            lines.append(f"    {node['target']}: {node['html']}")
            fix = " ".join(node["summary"].split())
            if fix:
                lines.append(f"      {fix}")
        if len(v["nodes"]) > limit:
            lines.append(f"    ... and {len(v['nodes']) - limit} more")
    return "\n".join(lines)
