"""``/api/map/<key>.json``: the piece of the map payload a live control change fetches."""

from __future__ import annotations

import pytest

from geoapp.maps.palettes import sequential_colors


@pytest.fixture
def client(shared_sample_client):
    return shared_sample_client


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:400]
    return response.get_json()


def test_area_layer_has_classes_legend_and_kelurahan(client):
    data = get(client, "/api/map/blk-peserta.json?scheme=fisher_jenks&k=3")
    assert data["kind"] == "area" and data["program"] == "blk"
    chor = data["chor"]
    assert len(chor["legend"]["entries"]) == 3 and len(chor["c"]) == 104
    assert len(data["kel"]["kode"]) == 104
    # the screen's palette is the program's palette of geoapp.maps.palettes (BLK: YlOrRd)
    assert [s["fillColor"] for s in chor["styles"]] == sequential_colors("YlOrRd", 3)
    assert data["links"]["png"].endswith("scheme=fisher_jenks&k=3")


def test_kecamatan_filter_limits_the_kelurahan(client):
    data = get(client, "/api/map/umkm-kelompok-km2.json?kecamatan=36.71.07")
    assert len(data["kel"]["kode"]) == 16
    assert all(k.startswith("36.71.07.") for k in data["kel"]["kode"])
    assert len(data["chor"]["v"]) == 16


def test_program_filter_of_another_program_says_so(client):
    data = get(client, "/api/map/blk-peserta.json?program=umkm%3ATangerang+BISA")
    assert any("hanya berlaku" in n for n in data["notes"])
    own = get(client, "/api/map/umkm-kelompok-km2.json?program=umkm%3ATangerang+BISA")
    assert not any("hanya berlaku" in n for n in own["notes"])


def test_point_layer_and_stable_theme_colours(client):
    whole = get(client, "/api/map/kampung-tematik.json")
    part = get(client, "/api/map/kampung-tematik.json?kecamatan=36.71.07")
    assert whole["kind"] == "points" and whole["pts"]["p"]
    colours = {t["label"]: (t["color"], t["shape"]) for t in whole["pts"]["themes"]}
    assert len(part["pts"]["themes"]) < len(colours) or part["pts"]["p"] != whole["pts"]["p"]
    for theme in part["pts"]["themes"]:
        assert (theme["color"], theme["shape"]) == colours[theme["label"]]


@pytest.mark.parametrize("url,status", [
    ("/api/map/nope.json", 404), ("/api/map/blk-peserta.csv", 404),
    ("/api/map/blk-peserta.json?k=12", 400), ("/api/map/blk-peserta.json?evil=1", 400),
    ("/api/map/blk-peserta.json?kecamatan=99", 400),
])
def test_bad_requests_are_clear_errors(client, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert "Traceback" not in response.get_data(as_text=True)


def test_responses_are_cached_with_an_etag(client):
    first = client.get("/api/map/kwt-bibit.json?k=4")
    again = client.get("/api/map/kwt-bibit.json?k=4", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_png_download_uses_the_screen_palette(client, monkeypatch):
    import geoapp.figures.png as png

    used = []
    real = png.render_layer_png

    def spy(*args, **kwargs):
        used.append(kwargs.get("palette"))
        return real(*args, **kwargs)

    monkeypatch.setattr(png, "render_layer_png", spy)
    response = client.get("/api/layers/blk-peserta.png?scheme=equal_interval&k=6")
    assert response.status_code == 200
    screen = get(client, "/api/map/blk-peserta.json?scheme=equal_interval&k=6")
    assert used == ["YlOrRd"]
    assert [s["fillColor"] for s in screen["chor"]["styles"]] == sequential_colors(used[0], 6)


def test_year_filter_on_a_program_without_years_says_so(client):
    data = get(client, "/api/map/blk-peserta.json?year=2021")
    assert any("2021" in n for n in data["notes"]), data["notes"]
    own = get(client, "/api/map/umkm-kelompok-km2.json?year=2021")
    assert not any("2021" in n for n in own["notes"])


def test_filtered_theme_colours_match_on_screen_png_and_print(client, monkeypatch):
    """A kampung theme keeps the screen's colour in the PNG download and the printed map
    when a filter drops other themes (colours by ALL themes of the unfiltered layer)."""
    from geoapp.figures import png, printing

    whole = get(client, "/api/map/kampung-tematik.json")
    part = get(client, "/api/map/kampung-tematik.json?kecamatan=36.71.07")
    shown = {t["label"]: t["color"] for t in part["pts"]["themes"]}
    assert 0 < len(shown) < len(whole["pts"]["themes"])     # a theme dropped out
    seen: dict[str, dict] = {}

    def spy_png(frame, lang, order=()):
        colors, markers, legend = real_png(frame, lang, order)
        seen["png"] = {t: c for t, c, _ in legend}
        return colors, markers, legend

    def spy_print(data, lang):
        ps, items = real_print(data, lang)
        seen["print"] = {i.label.split(": ", 1)[1].rsplit(" (", 1)[0]: i.color for i in items}
        return ps, items

    real_png, real_print = png._theme_symbols, printing.point_set
    monkeypatch.setattr(png, "_theme_symbols", spy_png)
    monkeypatch.setattr(printing, "point_set", spy_print)
    assert client.get(part["links"]["png"]).status_code == 200
    r = client.get("/map/print.png?layer=umkm&points=kampung-tematik&kecamatan=36.71.07")
    assert r.status_code == 200, r.get_data(as_text=True)[:300]
    assert seen["png"] == shown
    assert seen["print"] == shown
