"""/kampung/kelola: planners add, edit and delete places through forms (sample data)."""

from __future__ import annotations

import re

import pytest
import shapely

from geoapp.places.distance import haversine_m
from geoapp.places.editing.listing import default_gazetteer, get_place, list_places
from geoapp.store import active_dataset, list_datasets, row_dicts, set_password
from geoapp.web.db import get_db

XSS = "<script>alert('x')</script><img src=x onerror=alert(1)>"
_BASE = re.compile(r'name="base_(\w+)" value="(\d*)"')


@pytest.fixture
def planner(sample_app, sample_client, token):
    with sample_app.app_context():
        set_password(get_db(), "perencana", "rahasia-123", "planner")
    r = sample_client.post("/auth/login", data={"username": "perencana",
                                                "password": "rahasia-123",
                                                "csrf_token": token(sample_client)})
    assert r.status_code == 302
    return sample_client


@pytest.fixture
def admin(sample_app, token):
    """A second client, logged in as an admin."""
    client = sample_app.test_client()
    with sample_app.app_context():
        set_password(get_db(), "kepala", "rahasia-456", "admin")
    r = client.post("/auth/login", data={"username": "kepala", "password": "rahasia-456",
                                         "csrf_token": token(client)})
    assert r.status_code == 302
    return client


@pytest.fixture
def free_point(sample_app):
    """A point inside a kelurahan with no place of any kind within 300 m."""
    gaz = default_gazetteer()
    with sample_app.app_context():
        existing = list_places(get_db())
    for i in range(len(gaz)):
        point = shapely.point_on_surface(gaz.geometry[i])
        lat, lon = round(point.y, 6), round(point.x, 6)
        far = all(p.lat is None or haversine_m(lat, lon, p.lat, p.lon) > 300
                  for p in existing)
        if far:
            return gaz.kode[i], gaz.nama[i], lat, lon
    pytest.skip("no free point")


def _form(client, url: str) -> dict[str, str]:
    """The hidden base_<kind> fields and a CSRF token of the form page at ``url``."""
    html = client.get(url).get_data(as_text=True)
    fields = {f"base_{k}": v for k, v in _BASE.findall(html)}
    fields["csrf_token"] = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    return fields


def _add(client, **values):
    data = {**_form(client, "/kampung/kelola/baru"), "kind": "kampung",
            "theme": "Kampung Literasi", "address": "Jl. Uji 1", "contact": "0812-0000-0000",
            **values}
    return client.post("/kampung/kelola/baru", data=data)


def _versions(app, program="kampung") -> int:
    with app.app_context():
        return len(list_datasets(get_db(), program))


def _active(app, program="kampung"):
    with app.app_context():
        ds = active_dataset(get_db(), program)
        return ds.id, ds.version, ds.title, ds.imported_by, row_dicts(get_db(), ds.id)


# --------------------------------------------------------------------------- access


@pytest.mark.parametrize("url", ["/kampung/kelola", "/kampung/kelola/baru",
                                 "/kampung/kelola/kampung-0/ubah",
                                 "/kampung/kelola/kampung-0/hapus"])
def test_public_users_are_sent_to_login(sample_client, url):
    r = sample_client.get(url)
    assert r.status_code == 302 and "/auth/login" in r.headers["Location"]


def test_posts_need_login_and_csrf(sample_app, sample_client, planner, token):
    anonymous = sample_app.test_client()
    r = anonymous.post("/kampung/kelola/baru", data={"csrf_token": token(anonymous),
                                                     "name": "X", "kind": "kampung"})
    assert r.status_code == 302 and "/auth/login" in r.headers["Location"]
    r = planner.post("/kampung/kelola/baru", data={"name": "X", "kind": "kampung",
                                                   "lat": "-6.17", "lon": "106.63"})
    assert r.status_code == 400 and "CSRF" in r.get_data(as_text=True)
    r = planner.post("/kampung/kelola/kampung-0/hapus", data={})
    assert r.status_code == 400
    assert _versions(sample_app) == 1


def test_list_and_form_pages(planner):
    html = planner.get("/kampung/kelola").get_data(as_text=True)
    assert 'data-testid="places-table"' in html and 'data-testid="add-place"' in html
    assert 'href="/data/upload"' in html                              # bulk upload link
    assert html.count('data-testid="place-row"') >= 50                 # kampung+kwt+ecofarm
    assert "tanpa koordinat" in html                                   # sample rows lacking them
    form = planner.get("/kampung/kelola/baru").get_data(as_text=True)
    assert form.count("<option value=\"36.71.") == 104
    assert 'name="csrf_token"' in form and 'name="base_kampung"' in form
    assert planner.get("/kampung/kelola?kind=sekolah").status_code == 400
    assert 'data-testid="manage-places"' in planner.get("/kampung").get_data(as_text=True)


def test_finder_link_is_for_logged_in_users_only(sample_client):
    assert 'data-testid="manage-places"' not in sample_client.get("/kampung").get_data(
        as_text=True)


# --------------------------------------------------------------------------- add / edit / delete


def test_add_creates_a_version_and_shows_in_the_finder(sample_app, planner, free_point):
    kode, nama, lat, lon = free_point
    before = _active(sample_app)
    r = _add(planner, name="Kampung Uji Coba RW 03", kelurahan=kode, lat=str(lat),
             lon=str(lon).replace(".", ","))
    assert r.status_code == 302, r.get_data(as_text=True)
    _, version, title, by, rows = _active(sample_app)
    assert version == before[1] + 1 and by == "perencana"
    assert title == "Kampung tematik — tambah 'Kampung Uji Coba RW 03' oleh perencana"
    assert len(rows) == len(before[4]) + 1 and rows[-1]["kode"] == kode
    flash = planner.get(r.headers["Location"]).get_data(as_text=True)
    assert "Kampung Uji Coba RW 03" in flash and 'data-testid="flash"' in flash
    data = planner.get("/kampung/data.json").get_json()
    added = [p for p in data["places"] if p["name"] == "Kampung Uji Coba RW 03"]
    assert added and added[0]["kelurahan"] == nama and added[0]["lat"] == lat


def test_edit_and_delete_through_the_forms(sample_app, admin):
    planner = admin            # the sample data is not the planner's: an admin changes it
    html = planner.get("/kampung/kelola/kampung-0/ubah").get_data(as_text=True)
    values = {name: value for name, value in
              re.findall(r'<input type="text" name="(\w+)"[^>]*value="([^"]*)"', html)}
    kode = re.search(r'<option value="([\d.]+)" selected>', html).group(1)
    data = {**_form(planner, "/kampung/kelola/kampung-0/ubah"), **values, "kind": "kampung",
            "kelurahan": kode, "contact": "Ibu Baru (0812-1111-2222)"}
    r = planner.post("/kampung/kelola/kampung-0/ubah", data=data)
    if r.status_code == 200:                          # a nearby sample place was flagged
        shown = re.search(r'name="confirm_duplicates" value="([^"]+)"', r.get_data(as_text=True))
        r = planner.post("/kampung/kelola/kampung-0/ubah",
                         data={**data, "confirm_duplicates": shown.group(1)})
    assert r.status_code == 302, r.get_data(as_text=True)
    _, _, title, _, rows = _active(sample_app)
    assert "— ubah '" in title and rows[0]["cells"][5] == "Ibu Baru (0812-1111-2222)"

    name = rows[0]["cells"][0]
    confirm = planner.get("/kampung/kelola/kampung-0/hapus").get_data(as_text=True)
    assert 'data-testid="delete-form"' in confirm and name in confirm
    r = planner.post("/kampung/kelola/kampung-0/hapus", data=_form(
        planner, "/kampung/kelola/kampung-0/hapus"))
    assert r.status_code == 302
    _, _, title, _, after = _active(sample_app)
    assert title.startswith("Kampung tematik — hapus '") and 0 not in {x["position"] for x in after}
    assert name not in {p["name"] for p in planner.get("/kampung/data.json").get_json()["places"]}


def test_utm_coordinates_come_back_corrected_for_confirmation(sample_app, planner, free_point):
    from pyproj import Transformer

    kode, _, lat, lon = free_point
    east, north = Transformer.from_crs(4326, 32748, always_xy=True).transform(lon, lat)
    versions = _versions(sample_app)
    r = _add(planner, name="Kampung UTM", kelurahan=kode, lat=f"{north:.0f}", lon=f"{east:.0f}")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and 'data-testid="correction"' in html and "UTM" in html
    fixed_lat = re.search(r'name="lat"[^>]*value="([^"]+)"', html).group(1)
    assert abs(float(fixed_lat) - lat) < 1e-4
    assert _versions(sample_app) == versions                           # nothing stored yet


def test_swapped_coordinates_and_wrong_kelurahan_are_caught(sample_app, planner, free_point):
    kode, nama, lat, lon = free_point
    other = "36.71.01.1001" if kode != "36.71.01.1001" else "36.71.01.1002"
    r = _add(planner, name="Kampung Tukar", kelurahan=other, lat=str(lon), lon=str(lat))
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and html.count('data-testid="correction"') == 2
    assert f'<option value="{kode}" selected>' in html and nama in html
    assert _versions(sample_app) == 1


def test_outside_the_city_is_refused(sample_app, planner):
    r = _add(planner, name="Kampung Jauh", lat="-6.9175", lon="107.6191")        # Bandung
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and 'data-testid="form-error"' in html
    assert "di luar Kota Tangerang" in html and "kelurahan terdekat" in html
    assert 'value="Kampung Jauh"' in html and _versions(sample_app) == 1


def test_duplicate_is_flagged_then_saved_with_confirmation(sample_app, planner):
    with sample_app.app_context():
        place = get_place(get_db(), "kampung-0")
    if place.lat is None:
        pytest.skip("sample kampung-0 has no coordinates")
    values = {"name": place.name.lower(), "lat": str(place.lat + 0.0003),
              "lon": str(place.lon), "kelurahan": ""}
    r = _add(planner, **values)
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and 'data-testid="duplicates"' in html
    assert 'data-id="kampung-0"' in html and 'data-testid="confirm-duplicates"' in html
    confirm = re.search(r'name="confirm_duplicates" value="([^"]+)"', html).group(1)
    assert _versions(sample_app) == 1
    r = _add(planner, **values, confirm_duplicates=confirm)
    assert r.status_code == 302 and _versions(sample_app) == 2
    shown = planner.get(r.headers["Location"]).get_data(as_text=True)
    assert "Kelurahan ditentukan dari titik" in shown and place.kelurahan in shown


def test_stale_form_is_refused(sample_app, planner, free_point):
    kode, _, lat, lon = free_point
    stale = _form(planner, "/kampung/kelola/baru")
    assert _add(planner, name="Kampung Pertama", lat=str(lat), lon=str(lon)).status_code == 302
    data = {**stale, "kind": "kampung", "name": "Kampung Kedua", "lat": str(lat + 0.01),
            "lon": str(lon)}
    r = planner.post("/kampung/kelola/baru", data=data)
    assert r.status_code == 409 and "Muat ulang" in r.get_data(as_text=True)
    assert _versions(sample_app) == 2


# --------------------------------------------------------------------------- ownership


@pytest.mark.parametrize("action", ["ubah", "hapus"])
def test_planner_may_not_change_places_in_someone_elses_version(sample_app, planner, action):
    before = _active(sample_app)
    assert before[3] != "perencana"                      # the sample data, imported by geoapp
    url = f"/kampung/kelola/kampung-0/{action}"
    page = planner.get(url)
    assert page.status_code == 403 and "hanya pengunggahnya atau admin" in page.get_data(
        as_text=True)
    token = _form(planner, "/kampung/kelola/baru")
    data = {**token, "kind": "kampung", "name": "Diubah", "lat": "-6.17", "lon": "106.63"}
    assert planner.post(url, data=data).status_code == 403
    assert _active(sample_app)[:3] == before[:3] and _versions(sample_app) == 1


def test_planner_changes_places_in_their_own_version(sample_app, planner, free_point):
    kode, _, lat, lon = free_point
    assert _add(planner, name="Kampung Milik Perencana", kelurahan=kode, lat=str(lat),
                lon=str(lon)).status_code == 302
    pid = next(p["id"] for p in planner.get("/kampung/data.json").get_json()["places"]
               if p["name"] == "Kampung Milik Perencana")
    assert planner.get(f"/kampung/kelola/{pid}/hapus").status_code == 200
    r = planner.post(f"/kampung/kelola/{pid}/hapus",
                     data=_form(planner, f"/kampung/kelola/{pid}/hapus"))
    assert r.status_code == 302 and _versions(sample_app) == 3


def test_admin_may_change_any_place(admin):
    assert admin.get("/kampung/kelola/kampung-0/ubah").status_code == 200
    assert admin.get("/kampung/kelola/kwt-0/hapus").status_code == 200


# --------------------------------------------------------------------------- escaping


def test_markup_in_a_name_is_escaped_on_the_admin_page_and_the_finder(planner, free_point):
    kode, _, lat, lon = free_point
    r = _add(planner, name=XSS, kelurahan=kode, lat=str(lat), lon=str(lon))
    assert r.status_code == 302
    admin = planner.get("/kampung/kelola").get_data(as_text=True)
    printed = planner.get("/kampung/print").get_data(as_text=True)
    for html in (admin, printed):
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(" in html
    data = planner.get("/kampung/data.json")
    assert XSS in {p["name"] for p in data.get_json()["places"]}
    assert data.mimetype == "application/json"
    pid = next(p["id"] for p in data.get_json()["places"] if p["name"] == XSS)
    form = planner.get(f"/kampung/kelola/{pid}/ubah").get_data(as_text=True)
    assert "<script>alert" not in form and "&lt;script&gt;" in form


def test_list_offers_edit_links_only_where_the_user_may_change(planner, admin):
    mine = planner.get("/kampung/kelola?kind=kampung").get_data(as_text=True)
    assert 'data-testid="locked-' in mine and 'data-testid="edit-' not in mine
    theirs = admin.get("/kampung/kelola?kind=kampung").get_data(as_text=True)
    assert 'data-testid="edit-' in theirs and 'data-testid="locked-' not in theirs
