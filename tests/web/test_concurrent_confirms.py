"""Issue #13, point 6, through the web: three planners confirm uploads of one program at once.

The confirms run in three threads; all three versions are staged before any activation,
and the activations then run in the reported order (8, 9, 7). Version 9 (the newest)
must end up active, and the planner of version 7, which was superseded before it could
become active, must be told so (not "is now active"); the audit log shows it.
"""

from __future__ import annotations

import html
import io
import re
import threading
from pathlib import Path

from geoapp.imports import staging
from geoapp.store import active_dataset, event_details, list_datasets, list_events, set_password
from geoapp.store.models import Dataset
from geoapp.web.db import get_db

DATA = Path(__file__).resolve().parent.parent / "data" / "upload"
PLANNERS = ("ani", "budi", "cici")
_FLASH = re.compile(r'class="flash flash-(\w+)" role="status" data-testid="flash">(.*?)</p>', re.S)


def _client(app, token, user):
    with app.app_context():
        set_password(get_db(), user, f"{user}-rahasia-1", "planner")
    client = app.test_client()
    client.post("/auth/login", data={"username": user, "password": f"{user}-rahasia-1",
                                     "csrf_token": token(client)})
    form = {"program": "umkm", "title": f"UMKM dari {user}", "csrf_token": token(client),
            "file": (io.BytesIO((DATA / "messy_umkm.csv").read_bytes()), f"{user}.csv")}
    response = client.post("/data/upload", data=form, content_type="multipart/form-data")
    assert response.status_code == 302
    return client, response.headers["Location"]


class Turns:
    """Activations wait until all versions are staged, then run in a chosen version order."""

    def __init__(self, order: list[int], real) -> None:
        self.order, self.real, self.total = order, real, len(order)
        self.staged: list[int] = []
        self.cond = threading.Condition()

    def activate(self, session, dataset_id, **options):
        version = session.get(Dataset, dataset_id).version
        with self.cond:
            self.staged.append(version)
            self.cond.notify_all()
            assert self.cond.wait_for(lambda: len(self.staged) == self.total
                                      and self.order[0] == version, timeout=30)
        try:
            return self.real(session, dataset_id, **options)
        finally:
            with self.cond:
                self.order.pop(0)
                self.cond.notify_all()


def test_three_confirms_at_once_newest_wins_and_the_superseded_planner_is_told(
        app, token, monkeypatch):
    clients = {user: _client(app, token, user) for user in PLANNERS}
    turns = Turns([2, 3, 1], staging.activate)   # staged in order ani=1, budi=2, cici=3
    monkeypatch.setattr(staging, "activate", turns.activate)
    pages: dict[str, str] = {}
    order = threading.Condition()
    staged_users: list[str] = []

    def confirm(user: str) -> None:
        client, url = clients[user]
        with order:   # stage in the order ani, budi, cici (versions 1, 2, 3)
            order.wait_for(lambda: staged_users == list(PLANNERS[:PLANNERS.index(user)]),
                           timeout=30)
        response = client.post(url + "/confirm", data={"csrf_token": token(client)})
        pages[user] = client.get(response.headers["Location"]).get_data(as_text=True)

    def staged_hook(real):
        def stage(session, version, progress=None):
            dataset = real(session, version, progress)
            with order:
                staged_users.append(version.user)
                order.notify_all()
            return dataset
        return stage

    monkeypatch.setattr(staging, "stage_version", staged_hook(staging.stage_version))
    threads = [threading.Thread(target=confirm, args=(u,)) for u in PLANNERS]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(pages) == list(PLANNERS)

    with app.app_context():
        session = get_db()
        versions = {d.imported_by: (d.version, d.state)
                    for d in list_datasets(session, "umkm", include_deleted=True)}
        assert versions == {"ani": (1, "archived"), "budi": (2, "archived"),
                            "cici": (3, "active")}
        assert active_dataset(session, "umkm").imported_by == "cici"
        [event] = list_events(session, action="dataset.superseded").events
        details = event_details(event)
        assert event.actor == "ani" and details["version"] == 1
        assert details["superseded_by_version"] == 3 and details["superseded_by_user"] == "cici"

    flashes = {user: [(kind, html.unescape(text)) for kind, text in _FLASH.findall(page)]
               for user, page in pages.items()}
    for user in ("budi", "cici"):     # activated when they confirmed (budi's replaced later)
        assert flashes[user][0][0] == "success" and "kini aktif di peta" in flashes[user][0][1]
    kind, text = flashes["ani"][0]
    assert kind == "warning" and "kini aktif" not in text
    assert "versi 1" in text and "TIDAK diaktifkan" in text and "versi 3" in text
    assert "cici" in text and "Versi tersimpan" in text


def test_the_superseded_message_in_english(app, token, monkeypatch):
    """One planner's version is staged, a newer one is confirmed and activated meanwhile."""
    (ani, ani_url), (budi, budi_url) = (_client(app, token, u) for u in ("ani", "budi"))
    real_activate = staging.activate
    newer: dict[str, str] = {}

    def budi_confirms() -> None:
        response = budi.post(budi_url + "/confirm", data={"csrf_token": token(budi)})
        newer["page"] = budi.get(response.headers["Location"]).get_data(as_text=True)

    def late_activate(session, dataset_id, **options):
        if not newer:        # ani's confirm: budi confirms completely before ani activates
            monkeypatch.setattr(staging, "activate", real_activate)
            other = threading.Thread(target=budi_confirms)   # a request of its own
            other.start()
            other.join(timeout=60)
        return real_activate(session, dataset_id, **options)

    monkeypatch.setattr(staging, "activate", late_activate)
    ani.get("/?lang=en")
    response = ani.post(ani_url + "/confirm", data={"csrf_token": token(ani)})
    assert response.status_code == 302
    page = ani.get(response.headers["Location"]).get_data(as_text=True)
    text = html.unescape(_FLASH.findall(page)[0][1])
    assert text.startswith("Your data 'UMKM dari ani' was stored as version 1 but NOT activated")
    assert "version 2 of the same program, confirmed at nearly the same time by budi" in text
    with app.app_context():
        assert active_dataset(get_db(), "umkm").imported_by == "budi"
