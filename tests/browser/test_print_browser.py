"""Printing the map in Chromium: the browser's print stylesheet (map-print.css) keeps the map,
its legends and the sample-data label and drops the controls; the server's A4 PDF of the
same choices holds the legend text pdftotext finds. Output goes to test-artifacts/print/."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from browser_helpers import ARTIFACTS, LEGENDS, MAP, open_map

pytestmark = pytest.mark.browser


def _pdftotext(path, *pages: str) -> str:
    assert shutil.which("pdftotext"), "install poppler-utils (see .ci/run)"
    out = subprocess.run(["pdftotext", *pages, str(path), "-"], capture_output=True,
                         check=True, timeout=60)
    return " ".join(out.stdout.decode("utf-8").split())


def test_browser_print_and_server_pdf(page, records, live_server):
    folder = ARTIFACTS / "print"
    folder.mkdir(parents=True, exist_ok=True)
    open_map(page, live_server)
    legend_text = page.locator(f"{LEGENDS} li").first.inner_text().strip().splitlines()[0]
    assert legend_text
    page.emulate_media(media="print")
    assert page.locator(".site-header").is_hidden()
    assert page.locator("#map-controls, .map-controls").first.is_hidden()
    assert page.locator(MAP).is_visible()
    box = page.locator(MAP).bounding_box()
    assert box and box["height"] > 300
    browser_pdf = folder / "browser_print.pdf"
    page.pdf(path=str(browser_pdf), format="A4", landscape=True, print_background=True)
    first_page = _pdftotext(browser_pdf, "-f", "1", "-l", "1")   # map and legend on page 1
    assert "Data sampel" in first_page or "Data contoh" in first_page
    assert " ".join(legend_text.split()) in first_page, (legend_text, first_page)

    response = page.request.get(live_server.at("/map/print.pdf?layer=umkm"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    server_pdf = folder / "server_print.pdf"
    server_pdf.write_bytes(response.body())
    text = _pdftotext(server_pdf)
    assert "Legenda" in text and "Data contoh" in text and "Sumber:" in text
    assert not records.page_errors, records.page_errors
