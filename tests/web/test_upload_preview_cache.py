"""Issue #13, point 3: the upload preview is computed once per choice and rate-limited.

The preview page used to read and match the stored file on every view (30 s each for
a 20,001-column file, four at once 234 s and +370 MB). Its values are now kept with the
upload (in the database) under a key of everything they depend on, so repeated views,
other worker processes and error pages reuse them; and the preview, read-option, review
and confirm requests share one rate limit, PREVIEW_RATE_LIMIT (429, bilingual).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from sample_app import app_config
from shared_state import app_aliases, app_shelf, kept_views, upload_tokens

from geoapp.core.settings import BY_NAME
from geoapp.imports.upload import folder, preview
from geoapp.store import set_password
from geoapp.web import create_app
from geoapp.web.db import get_db

DATA = Path(__file__).resolve().parent.parent / "data" / "upload"
FOUR_GROUPS = (b"Kelurahan;Kecamatan;Jumlah\nSudimara;Ciledug;2\nSudimara;;3\nKarang;;1\n"
               b"Cipondoh;;1\nPanunggangan;;4\nPoris;;2\nCikokol;Tangerang;1\n")


def login(app, client, token):
    with app.app_context():
        set_password(get_db(), "perencana", "rahasia-123", "planner")
    client.post("/auth/login", data={"username": "perencana", "password": "rahasia-123",
                                     "csrf_token": token(client)})
    return client


@pytest.fixture
def planner(app, client, token):
    return login(app, client, token)


def upload(client, token, data=None, name="messy_umkm.csv"):
    data = (DATA / "messy_umkm.csv").read_bytes() if data is None else data
    form = {"program": "umkm", "title": "UMKM 2020", "file": (io.BytesIO(data), name),
            "csrf_token": token(client)}
    response = client.post("/data/upload", data=form, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response.headers["Location"]


def without_csrf(page: str) -> str:
    """The page minus its CSRF tokens, which carry a timestamp and change each second."""
    page = re.sub(r'name="csrf-token" content="[^"]*"', 'name="csrf-token"', page)
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token"', page)


@pytest.fixture
def computed(monkeypatch):
    """Counts the matching runs of the upload steps (``build_preview`` -> ``run_table``)."""
    counts = {"runs": 0}
    real = preview.run_table

    def counted(*args, **kw):
        counts["runs"] += 1
        return real(*args, **kw)

    monkeypatch.setattr(preview, "run_table", counted)
    return counts


def test_repeated_views_read_and_match_the_file_once(app, planner, token, computed):
    url = upload(planner, token)
    pages = [without_csrf(planner.get(url).get_data(as_text=True)) for _ in range(3)]
    assert computed["runs"] == 1
    assert pages[0] == pages[1] == pages[2] and 'data-testid="ledger"' in pages[0]
    english = planner.get(url + "?lang=en").get_data(as_text=True)
    assert computed["runs"] == 2 and "Reconciliation" in english   # one more per language
    planner.get(url + "?lang=id")
    planner.get(url)
    assert computed["runs"] == 2                                     # both are kept


def test_a_new_read_option_is_computed_once_for_the_post_and_the_page(app, planner, token,
                                                                     computed):
    url = upload(planner, token)
    planner.get(url)
    assert computed["runs"] == 1
    changed = planner.post(url + "/options", data={
        "header_row": "2", "col_kelurahan": "1", "col_kecamatan": "0",
        "csrf_token": token(planner)})
    assert changed.status_code == 302
    html = planner.get(url).get_data(as_text=True)
    assert computed["runs"] == 2                     # the POST's run is kept for the page
    assert re.search(r'data-role="kecamatan">.*?value="0" selected', html, re.S)


def test_the_kept_page_is_read_by_another_process(app, planner, token, computed):
    """Nothing is kept in memory: a fresh load of the state (another worker) reuses the file."""
    url = upload(planner, token)
    planner.get(url)
    upload_token = url.rsplit("/", 1)[-1]
    from geoapp.imports.upload import view_cache

    state = folder.load_state(app_shelf(app), upload_token, "perencana")
    page = view_cache.preview_page(app_shelf(app), state, aliases=app_aliases(app),
                                   max_rows=app.config["MAX_ROWS"],
                                   max_columns=app.config["MAX_COLUMNS"], lang="id")
    assert computed["runs"] == 1 and page["row_count"] == 7


def test_a_change_of_aliases_or_decisions_gives_a_new_page(app, planner, token, computed):
    url = upload(planner, token)
    planner.get(url)
    store = app_aliases(app)
    store.add("Antah Berantah", "36.71.01.1001")
    store.save()
    html = planner.get(url).get_data(as_text=True)
    assert computed["runs"] == 2                      # the alias table is part of the key
    position = re.search(r'name="positions" value="(\d+)">\s*<select name="kode" '
                         r'data-testid="manual-kode"', html)
    assert position is None                           # Antah Berantah now matches by alias
    groups = re.findall(r'name="positions" value="([0-9,]+)">\s*<input type="hidden" '
                        r'name="kode" value="([0-9.]+)">', html)
    planner.post(url + "/review", data={"action": "pick", "positions": groups[0][0],
                                        "kode": groups[0][1], "csrf_token": token(planner)})
    html = planner.get(url).get_data(as_text=True)
    assert computed["runs"] == 4 and 'data-testid="decision"' in html  # review + page


def test_the_kept_page_goes_with_the_upload(app, planner, token):
    url = upload(planner, token)
    planner.get(url)
    upload_token = url.rsplit("/", 1)[-1]
    assert kept_views(app, upload_token) == 1
    planner.post(url + "/discard", data={"csrf_token": token(planner)})
    assert upload_tokens(app) == [] and kept_views(app, upload_token) == 0


def test_review_groups_and_long_texts_are_bounded(app, planner, token, monkeypatch):
    monkeypatch.setattr("geoapp.imports.upload.view.MAX_LISTED_GROUPS", 2)
    long_name = "Sukasari" + "x" * 10_000
    data = FOUR_GROUPS + f"{long_name};Tangerang;1\n".encode()
    html = planner.get(upload(planner, token, data, "grup.csv")).get_data(as_text=True)
    assert html.count('data-testid="review-group"') == 2
    assert "Menampilkan 2 dari 4 ejaan yang perlu ditinjau" in html
    assert long_name not in html and long_name[:150] in html and "…" in html


# ------------------------------------------------------------------------- rate limit


@pytest.fixture
def limited_app(tmp_path, monkeypatch):
    monkeypatch.delenv("GEOAPP_INSTANCE", raising=False)
    app = create_app(app_config(tmp_path / "instance", RATELIMIT_ENABLED=True,
                                PREVIEW_RATE_LIMIT="4 per hour"))
    yield app
    app.extensions["geoapp_db"]["engine"].dispose()


def test_preview_and_review_requests_share_one_limit(limited_app, token):
    client = login(limited_app, limited_app.test_client(), token)
    url = upload(client, token)
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
    review = client.post(url + "/review", data={"action": "unmatched", "positions": "1",
                                                "reason": "tidak dikenal",
                                                "csrf_token": token(client)})
    assert review.status_code == 302                               # the 4th of 4
    refused = client.get(url)
    assert refused.status_code == 429
    text = refused.get_data(as_text=True)
    assert "Terlalu banyak permintaan pratinjau dan peninjauan" in text
    assert "4 per 1 hour" in text and int(refused.headers["Retry-After"]) >= 1
    for path in ("/options", "/review", "/confirm"):
        response = client.post(url + path, data={"csrf_token": token(client)})
        assert response.status_code == 429
    english = client.get(url + "?lang=en")
    assert english.status_code == 429
    assert "Too many preview and review requests" in english.get_data(as_text=True)
    json_client = client.get(url, headers={"Accept": "application/json"})
    assert json_client.get_json()["error"] == "security.preview_rate_limited"
    assert client.get("/data/versions").status_code == 200         # other pages stay open


def test_the_preview_limit_counts_per_client_address(limited_app, token):
    client = login(limited_app, limited_app.test_client(), token)
    url = upload(client, token)
    for _ in range(4):
        client.get(url)
    assert client.get(url).status_code == 429
    other = client.get(url, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200


def test_the_preview_limit_is_a_setting(app):
    assert BY_NAME["PREVIEW_RATE_LIMIT"].default == "30 per minute; 600 per hour"
    assert app.config["PREVIEW_RATE_LIMIT"] == "30 per minute; 600 per hour"
    assert app.config["MAX_COLUMNS"] == 200
