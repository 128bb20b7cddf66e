"""Every integer parameter of the web app, swept with hostile whole numbers (issue #13 point 2).

``str.isdigit`` accepts ``²`` (and ``int('²')`` then raised: a 500) and ``int`` reads
Arabic-Indic ``٣`` and fullwidth ``１`` as 3 and 1. Every query-string, form and path
integer must refuse them with a 400/404/422 that names the parameter and the value
received, never a 500, never read ``٣`` as 3, and change no stored data.

``QUERY_AND_FORM`` lists the parameters; ``test_the_sweep_covers_every_integer_parameter``
reads geoapp/web with ``ast`` for every name given to the integer helpers of
``geoapp.values.integers`` (and to the views' wrappers of them), so a new integer
parameter that is not swept here fails. Path integers are found in the URL map.
"""

from __future__ import annotations

import ast
import html
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
from badinput_support import csrf, snapshot
from sample_app import sample_template  # noqa: F401  (fixture re-exported)

import geoapp
from geoapp.io.records.types import ROLES
from geoapp.places.model import KINDS
from geoapp.store import list_datasets, set_password
from geoapp.web.db import get_db

WEB = Path(geoapp.__file__).resolve().parent / "web"
HELPERS = {"parse_int", "parse_optional_int", "parse_int_list"}
HOSTILE = {"superscript": "²", "arabic-indic": "٣", "fullwidth": "１", "negative": "-1",
           "exponent": "1e3", "30-digits": "1" * 30}
ADMIN = ("penjaga", "rahasia-admin-1")
UPLOAD = "Kelurahan;Kecamatan;Jumlah\nSukasari;Tangerang;3\nSudimara;Ciledug;1\nCikokol;Tangerang;2\n"


@dataclass(frozen=True)
class Param:
    method: str
    path: str                 # may hold {token} (an upload of the admin) and {id} (a dataset)
    name: str
    others: dict = field(default_factory=dict)   # the request's other (valid) fields
    upload: bool = False      # POST as multipart with a small CSV file


QUERY_AND_FORM = [
    Param("GET", "/", "k"),
    Param("GET", "/api/layers/umkm-kelompok-km2.png", "k"),
    Param("GET", "/api/compare", "a", {"b": "{id}"}),
    Param("GET", "/api/compare", "b", {"a": "{id}"}),
    Param("GET", "/data/versions/compare", "a", {"b": "{id}"}),
    Param("GET", "/data/versions/compare", "b", {"a": "{id}"}),
    Param("GET", "/admin/audit", "page"),
    Param("POST", "/data/upload", "header_row", {"program": "umkm", "title": "Uji"}, upload=True),
    Param("POST", "/data/upload/{token}/options", "header_row"),
    *[Param("POST", "/data/upload/{token}/options", f"col_{role}") for role in ROLES],
    Param("POST", "/data/upload/{token}/review", "positions", {"action": "unmatched",
                                                              "reason": "uji"}),
    Param("POST", "/data/upload/{token}/undo", "decision"),
    Param("GET", "/data/upload/{token}", "unmatched_page"),
    Param("POST", "/data/upload/{token}/review", "unmatched_page",
          {"action": "unmatched", "reason": "uji", "positions": "0"}),
    *[Param("POST", "/kampung/kelola/baru", f"base_{kind}", {"kind": kind, "name": ""})
      for kind in KINDS],
]
# path integers that are not <int:...> (matched by a regular expression in the view)
OTHER_PATHS = [("GET", "/kampung/kelola/kampung-{v}/ubah"), ("GET", "/kampung/kelola/kampung-{v}/hapus")]

_ALERT = re.compile(r'<p class="form-error" role="alert"[^>]*>(.*?)</p>'
                    r'|class="error-box" role="alert">\s*<h1>[^<]*</h1>\s*<p>(.*?)</p>', re.S)


def message(response) -> str:
    """The user-facing error of a response (JSON message or the page's alert), unescaped."""
    if response.is_json:
        return str(response.get_json().get("message", ""))
    found = _ALERT.search(response.get_data(as_text=True))
    return html.unescape(found.group(1) or found.group(2)) if found else ""


@pytest.fixture
def admin(hostile_app):
    client = hostile_app.test_client()
    with hostile_app.app_context():
        set_password(get_db(), *ADMIN, "admin")
        dataset = list_datasets(get_db())[0].id
    client.post("/auth/login", data={"username": ADMIN[0], "password": ADMIN[1],
                                     "csrf_token": csrf(client)})
    r = client.post("/data/upload", data={"program": "umkm", "title": "Uji angka",
                                          "file": (io.BytesIO(UPLOAD.encode()), "angka.csv"),
                                          "csrf_token": csrf(client)},
                    content_type="multipart/form-data")
    assert r.status_code == 302, r.get_data(as_text=True)[:500]
    client.ids = {"token": r.headers["Location"].rstrip("/").rsplit("/", 1)[-1],
                  "id": str(dataset)}
    return client


def send(client, param: Param, value: str, lang: str = "id"):
    """One request with ``value`` for the parameter (the interface language chosen with ?lang)."""
    path = param.path.format(**client.ids)
    values = {k: v.format(**client.ids) for k, v in param.others.items()}
    values[param.name] = value
    if param.method == "GET":
        return client.get(path, query_string={**values, "lang": lang})
    values["csrf_token"] = csrf(client)
    if param.upload:
        values["file"] = (io.BytesIO(UPLOAD.encode()), "angka.csv")
        return client.post(f"{path}?lang={lang}", data=values, content_type="multipart/form-data")
    return client.post(f"{path}?lang={lang}", data=values)


@pytest.mark.parametrize("param", QUERY_AND_FORM, ids=lambda p: f"{p.method} {p.path} {p.name}")
def test_hostile_integers_are_refused_clearly(hostile_app, admin, param):
    before = snapshot(hostile_app)
    for label, value in HOSTILE.items():
        texts = {}
        for lang in ("id", "en"):
            response = send(admin, param, value, lang)
            texts[lang] = text = message(response)
            assert response.status_code in (400, 404, 422), (label, lang, response.status_code)
            # the message names the parameter and repeats what was received (so '٣' was
            # refused as text, not read as 3)
            assert param.name in text and value[:20] in text, (label, lang, text)
        assert texts["id"] != texts["en"], f"not translated: {texts}"
    assert snapshot(hostile_app) == before


@pytest.mark.parametrize("param", QUERY_AND_FORM, ids=lambda p: f"{p.method} {p.path} {p.name}")
def test_empty_integer_is_never_a_server_error(admin, param):
    response = send(admin, param, "")
    # an empty optional field means "not given" (the default); a required one is a 400
    assert response.status_code < 500 and response.status_code in (200, 302, 400, 404, 409, 422)
    if response.status_code in (400, 422) and param.name in ("a", "b", "positions", "page"):
        assert param.name in message(response)


def _int_rules(app):
    for rule in app.url_map.iter_rules():
        ints = [n for n, conv in rule._converters.items()
                if type(conv).__name__.endswith(("IntegerConverter", "IntConverter"))]
        if ints:
            yield rule, ints


@pytest.mark.parametrize("label", [*HOSTILE, "empty"])
def test_hostile_integers_in_paths_find_nothing(hostile_app, admin, label):
    value = HOSTILE.get(label, "")
    before = snapshot(hostile_app)
    seen = []
    for rule, _ints in _int_rules(hostile_app):
        path = rule.rule
        for name in rule.arguments:
            path = path.replace(f"<int:{name}>", quote(value)).replace(f"<{name}>", "umkm")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            r = admin.open(path, method=method, data={"csrf_token": csrf(admin), "title": "x"},
                           headers={"X-CSRFToken": csrf(admin)})
            seen.append((method, path, r.status_code))
    for method, template in OTHER_PATHS:
        path = template.format(v=quote(value))
        seen.append((method, path, admin.open(path, method=method).status_code))
    assert len(seen) >= 8 and all(code in (404, 405) for *_, code in seen), seen
    assert snapshot(hostile_app) == before


def test_arabic_indic_three_is_not_dataset_three(hostile_app, admin):
    """The ASCII id finds the dataset; the same number in other digits finds nothing."""
    ident = admin.ids["id"]
    assert admin.get(f"/api/datasets/{ident}").status_code == 200
    for digits in (str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"),
                   str.maketrans("0123456789", "０１２３４５６７８９")):
        other = ident.translate(digits)
        assert admin.get(f"/api/datasets/{quote(other)}").status_code == 404
        r = admin.get("/api/compare", query_string={"a": other, "b": ident})
        assert r.status_code == 400 and other in r.get_json()["message"]


# --------------------------------------------------------------------------- coverage of the sweep


def _name_pattern(node: ast.AST) -> str | None:
    """A literal name ('k') or an f-string as a pattern ('col_*'); None for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "*" for v in node.values)
    return None


def _call_name(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def _name_arg(call: ast.Call, index: int) -> ast.AST | None:
    for kw in call.keywords:
        if kw.arg == "name":
            return kw.value
    return call.args[index] if len(call.args) > index else None


def integer_parameter_names() -> set[str]:
    """Names passed to the integer helpers in geoapp/web, through one level of wrappers."""
    names, unknown = set(), []
    for path in sorted(WEB.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        wrappers: dict[str, int] = {}   # view helper -> position of its forwarded name
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef):
                continue
            params = [a.arg for a in func.args.args]
            for call in ast.walk(func):
                if isinstance(call, ast.Call) and _call_name(call) in HELPERS:
                    arg = _name_arg(call, 1)
                    if isinstance(arg, ast.Name) and arg.id in params:
                        wrappers[func.name] = params.index(arg.id)
        for call in ast.walk(tree):
            if not isinstance(call, ast.Call):
                continue
            called = _call_name(call)
            if called in HELPERS or called in wrappers:
                arg = _name_arg(call, 1 if called in HELPERS else wrappers[called])
                if isinstance(arg, ast.Name) and called in HELPERS:
                    continue    # inside a wrapper: its callers give the name
                pattern = None if arg is None else _name_pattern(arg)
                (names.add(pattern) if pattern else unknown.append(f"{path.name}:{call.lineno}"))
    assert not unknown, f"give integer parameter names as literals: {unknown}"
    return names


def test_the_sweep_covers_every_integer_parameter():
    found = integer_parameter_names()
    swept = {p.name for p in QUERY_AND_FORM}
    missing = {n for n in found if not any(re.fullmatch(n.replace("*", ".+"), s) for s in swept)}
    assert not missing, f"integer parameters not in QUERY_AND_FORM: {sorted(missing)}"
    assert {"k", "a", "b", "page", "header_row", "positions", "col_*", "base_*"} <= found


def test_web_parses_no_integer_outside_the_helper():
    """No isdigit/isdecimal/isnumeric, int(request...) or type=int left in the views."""
    bad = re.compile(r"\.is(digit|decimal|numeric)\(|\bint\(\s*request\.|type=int\b")
    offenders = [f"{p.name}:{i}" for p in sorted(WEB.glob("*.py"))
                 for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                 if bad.search(line)]
    assert not offenders, offenders


def test_corpus_lists_the_inputs():
    readme = (Path(__file__).parent / "README.md").read_text(encoding="utf-8")
    for value in HOSTILE.values():
        assert value in readme, value
    assert "test_integer_params.py" in readme
