"""Comparing two stored versions in the browser pages (planners)."""

from __future__ import annotations

from geoapp.imports.staging import ImportRequest, import_file
from geoapp.store import list_datasets, set_password
from geoapp.web.db import get_db

CSV = (
    "Kelurahan;Kecamatan;Jumlah Kelompok\n"
    "Sukarasa;Tangerang;10\n"
    "Cipondoh;Cipondoh;2.500\n"
)


def login(app, token):
    client = app.test_client()
    with app.app_context():
        set_password(get_db(), "perencana", "rahasia-123", "planner")
    client.post("/auth/login", data={"username": "perencana", "password": "rahasia-123",
                                     "csrf_token": token(client)})
    return client


def second_umkm_version(app) -> tuple[int, int]:
    with app.app_context():
        session = get_db()
        old = next(d for d in list_datasets(session, "umkm") if d.state == "active").id
        request = ImportRequest(program="umkm", data=CSV.encode(), filename="umkm.csv",
                                title="UMKM <b>baru</b>", user="perencana")
        return old, import_file(session, request).id


def test_compare_page_shows_counts_sums_and_changed_kelurahan(sample_app, token):
    old, new = second_umkm_version(sample_app)
    client = login(sample_app, token)
    page = client.get(f"/data/versions/compare?a={old}&b={new}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Bandingkan versi" in html and 'data-testid="compare-kelurahan"' in html
    assert "2.510" in html                    # B's sum of Jumlah Kelompok, Indonesian format
    assert "36.71.05.1001" in html            # Cipondoh changed
    assert "UMKM &lt;b&gt;baru&lt;/b&gt;" in html and "<b>baru</b>" not in html


def test_versions_page_offers_the_compare_form(sample_app, token):
    client = login(sample_app, token)
    html = client.get("/data/versions").get_data(as_text=True)
    assert 'data-testid="compare-form"' in html and 'name="a"' in html and 'name="b"' in html


def test_compare_needs_login_and_valid_ids(sample_app, token):
    anonymous = sample_app.test_client().get("/data/versions/compare?a=1&b=2")
    assert anonymous.status_code == 302 and "/auth/login" in anonymous.headers["Location"]
    client = login(sample_app, token)
    assert client.get("/data/versions/compare?a=x&b=2").status_code == 400
    assert client.get("/data/versions/compare?a=1&b=99999").status_code == 404
    english = client.get("/data/versions/compare?a=1&b=2&lang=en").get_data(as_text=True)
    assert "Compare versions" in english


def _legend_items(html: str, testid: str) -> list[str]:
    import re
    block = re.search(rf'data-testid="{testid}".*?</ul>', html, re.S)
    assert block, testid
    return [re.sub(r"<[^>]+>", "", li).strip()
            for li in re.findall(r"<li>(.*?)</li>", block.group(0), re.S)]


def test_change_legend_of_a_measure_without_data_is_one_entry(sample_app, token):
    old, new = second_umkm_version(sample_app)     # B has no aid amount (nilai) at all
    client = login(sample_app, token)
    html = client.get(f"/data/versions/compare?a={old}&b={new}&measure=nilai"
                      ).get_data(as_text=True)
    items = _legend_items(html, "legend-change")
    assert len(items) == 1 and items[0].startswith("Tidak ada data (")
    assert not any("Tidak berubah" in t for t in items)


def test_change_legend_without_any_change_has_one_no_change_entry():
    import numpy as np

    from geoapp.maps.diverging import diverging_classes, legend_texts
    rows = legend_texts(diverging_classes(np.array([0.0, 0.0, np.nan])), str, "id")
    assert [t for t, _ in rows] == ["Tidak berubah (0) (2)"]
    assert legend_texts(diverging_classes(np.array([np.nan])), str, "id") == []


def test_version_table_numbers_are_formatted_and_kelurahan_named(sample_app, token):
    import re
    old, new = second_umkm_version(sample_app)
    client = login(sample_app, token)
    html = client.get(f"/data/versions/compare?a={old}&b={new}").get_data(as_text=True)
    summary = re.search(r'data-testid="compare-summary".*?</table>', html, re.S).group(0)
    assert ",00<" not in summary and ",00 " not in summary
    sums = re.findall(r'<tr data-testid="compare-measure"><th>(.*?)</th>(.*?)</tr>',
                      summary, re.S)
    money = [cells for name, cells in sums if re.search(r"nilai|rp|rupiah", name, re.I)]
    assert money and "Rp " in money[0]
    assert any(">2.510<" in cells for name, cells in sums)    # whole, no ",00"
    changed = re.search(r'data-testid="compare-kelurahan".*?</table>', html, re.S).group(0)
    assert ",00<" not in changed
    row = re.search(r"<tr><td>36\.71\.05\.1001</td><td>(.*?)</td><td>(.*?)</td>", changed)
    assert row and row.group(1) == "Cipondoh" and row.group(2) == "Cipondoh"
    english = client.get(f"/data/versions/compare?a={old}&b={new}&lang=en"
                         ).get_data(as_text=True)
    assert ">2,510<" in english


def test_versions_table_counts_add_up_with_excluded_rows_and_times_show_the_zone(sample_app,
                                                                                  token):
    import re
    with sample_app.app_context():
        session = get_db()
        request = ImportRequest(program="umkm", data=(CSV + "JUMLAH;;2.510\n").encode(),
                                filename="umkm.csv", title="Dengan jumlah", user="perencana")
        import_file(session, request)
    client = login(sample_app, token)
    html = client.get("/data/versions?program=umkm").get_data(as_text=True)
    assert "<th>Versi</th>" in html and "<th>versi</th>" not in html
    assert "<th>Dikecualikan (baris jumlah)</th>" in html
    rows = re.findall(r'<tr data-testid="version-row".*?</tr>', html, re.S)
    assert rows
    for row in rows:
        cells = [int(c.replace(".", "")) for c in re.findall(r"<td[^>]*>([\d.]+)</td>", row)]
        version, total, matched, review, unmatched, excluded = cells[:6]
        assert total == matched + review + unmatched + excluded
        assert re.search(r"\d{2}\.\d{2} WIB</td>", row)
    ours = next(r for r in rows if "Dengan jumlah" in r)
    assert re.search(r'data-testid="version-excluded">1</td>', ours)
    english = client.get("/data/versions?program=umkm&lang=en").get_data(as_text=True)
    assert re.search(r"\d{2}:\d{2} WIB</td>", english) and "<th>Version</th>" in english


def test_format_datetime_with_zone():
    from datetime import UTC, datetime

    from geoapp.values.dates import format_datetime
    when = datetime(2026, 11, 27, 16, 45, tzinfo=UTC)
    assert format_datetime(when, "id", zone=True) == "27 November 2026 23.45 WIB"
    assert format_datetime(when, "en", "Asia/Makassar", zone=True) == "28 November 2026 00:45 WITA"
    assert format_datetime(when, "en", "UTC", zone=True) == "27 November 2026 16:45 UTC"
