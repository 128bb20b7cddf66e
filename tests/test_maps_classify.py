import mapclassify
import numpy as np
import pytest

from geoapp.core.errors import GeoappError
from geoapp.maps.classify import classify

pytestmark = pytest.mark.filterwarnings("ignore:Numba not installed")

VALUES = np.array([0, 0, 3, 5, 8, 13, 21, 34, 55, 89, 144, np.nan, 2, 7, 40.5])


@pytest.mark.parametrize(("scheme", "cls"), [
    ("quantiles", mapclassify.Quantiles),
    ("fisher_jenks", mapclassify.FisherJenks),
    ("equal_interval", mapclassify.EqualInterval),
])
@pytest.mark.parametrize("k", [2, 4, 7])
def test_bins_and_classes_match_mapclassify(scheme, cls, k):
    got = classify(VALUES, scheme, k)
    finite = VALUES[np.isfinite(VALUES)]
    ref = cls(finite, k=k)
    assert got.bins == pytest.approx(list(ref.bins))
    assert got.classes[np.isfinite(VALUES)].tolist() == list(ref.yb)


def test_nan_gets_no_class_and_zero_gets_one():
    got = classify(VALUES, "quantiles", 5)
    assert got.classes[11] == -1
    assert got.classes[0] >= 0 and got.classes[1] >= 0


@pytest.mark.parametrize("k", [0, 1, 10, -3, "5", 2.5, True, None])
def test_k_outside_2_to_9_is_a_user_error(k):
    with pytest.raises(GeoappError) as err:
        classify(VALUES, "quantiles", k)
    assert err.value.code == "map_bad_k"
    assert "2" in err.value.text("en") and "9" in err.value.text("en")


def test_unknown_scheme_is_a_user_error():
    with pytest.raises(GeoappError) as err:
        classify(VALUES, "natural_breaks", 5)
    assert "natural_breaks" in err.value.text("id")


@pytest.mark.parametrize("scheme", ["quantiles", "fisher_jenks", "equal_interval"])
@pytest.mark.parametrize("values", [[1, 1, 2, 2, np.nan], [3, 3, 3], [0, 0, np.nan]])
def test_fewer_distinct_values_than_k_does_not_crash(scheme, values):
    got = classify(np.array(values, dtype=float), scheme, 9)
    finite = np.isfinite(values)
    assert 1 <= got.k <= len(set(np.array(values)[finite]))
    assert (got.classes[finite] >= 0).all() and (got.classes[finite] < got.k).all()


def test_all_missing_gives_no_classes():
    got = classify(np.array([np.nan, np.inf]), "fisher_jenks", 5)
    assert got.bins == [] and got.classes.tolist() == [-1, -1]


def test_whole_number_counts_get_whole_legend_bounds():
    from geoapp.maps.legend import legend_entries

    counts = np.array([33, 40, 50, 55, 56, 60, 6376, 7000, 7817, 7818, 9000, np.nan])
    cls = classify(counts, "quantiles", 4)
    assert cls.integer_valued and any(b != round(b) for b in cls.bins)  # mapclassify bins stay fractional
    texts = [e["text"] for e in legend_entries(cls, "count", "id")]
    assert all("," not in t for t in texts), texts
    assert texts[0].startswith("33 – ")
    # bounds are floored: a class "low < v <= high" holds the same whole numbers
    for e, high in zip(texts, cls.bins, strict=True):
        assert e.endswith(f"{int(np.floor(high)):,}".replace(",", "."))


def test_fractional_values_keep_decimal_bounds():
    from geoapp.maps.legend import legend_entries

    cls = classify(np.array([0.5, 1.25, 2.75, 3.5, 8.125]), "quantiles", 2)
    assert not cls.integer_valued
    assert any("," in e["text"] for e in legend_entries(cls, "number", "id"))
