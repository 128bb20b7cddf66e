"""The field teams' finder on an instance with no places yet: the phone page and the paged
list say that no kampung tematik, KWT or ecofarm data has been imported (not "no place
matches, check the spelling")."""

from __future__ import annotations

import pytest
from conftest import start_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def empty_server(tmp_path_factory):
    server, stop = start_server(tmp_path_factory.mktemp("empty") / "instance", sample=False)
    yield server
    stop()


def test_a_finder_without_places_says_why(page, records, empty_server):
    page.goto(empty_server.url + "/kampung?lang=id")
    count = page.locator("[data-testid=count]")
    count.filter(has_text="Belum ada tempat di Kota Tangerang").wait_for()
    assert "Periksa ejaan" not in count.inner_text()
    page.fill("input[type=search]", "zzzz")              # still empty: the same reason
    assert "Belum ada tempat" in count.inner_text()
    assert not records.page_errors and not records.console_errors
