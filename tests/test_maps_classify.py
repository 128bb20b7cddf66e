import mapclassify
import numpy as np
import pytest

from geoapp.errors import GeoappError
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
