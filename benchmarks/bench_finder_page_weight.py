"""Page weight of the field teams' finder (/kampung) on the sample data.

Run: ``.venv/bin/python benchmarks/bench_finder_page_weight.py``. Builds a throw-away
instance with the sample data imported, requests everything the page loads (HTML, app.css,
finder.js/css, data.json, the web app manifest, the service worker and the icons) and prints
the uncompressed bytes of each and the total. Nothing is excluded: the finder draws its own
light SVG map and uses no Leaflet. Map tiles are not counted (they come from the tile server
and are optional). Exits 1 when the total is 200 KB or more. Measures size, not time.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "tests"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import sample_app  # noqa: E402  (tests/sample_app.py: sample data imported once)

LIMIT = 200 * 1024
PAGE_FILES = ("/kampung", "/kampung/data.json", "/manifest.webmanifest", "/sw.js",
              "/static/app.css", "/static/finder/finder.js", "/static/finder/finder.css",
              "/static/finder/icon.svg", "/static/finder/icon-192.png")


def measure(client) -> dict[str, int]:
    """Uncompressed bytes of each file the finder page loads."""
    sizes = {}
    for url in PAGE_FILES:
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        sizes[url] = len(response.data)
    return sizes


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="geoapp-finder-bench-") as tmp:
        instance = sample_app.build_template(Path(tmp))
        app = sample_app.make_app(instance)
        try:
            sizes = measure(app.test_client())
        finally:
            sample_app.dispose_app(app)
    for url, size in sizes.items():
        print(f"{size:>9,d}  {url}")
    total = sum(sizes.values())
    print(f"{total:>9,d}  total ({total / 1024:.1f} KB; limit {LIMIT / 1024:.0f} KB, "
          "uncompressed, tiles not counted)")
    return 0 if total < LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
