"""vira.data.real.facebook: parsing, problems, page normalisation by hand, the stratified split.
The classifiers on its features: tests/training/test_pay_attention.py."""

import numpy as np
import pandas as pd
import pytest

from vira.data import data_dir
from vira.data.real.facebook import (FEATURES, RANGES, REQUIRED, SUMS_TO_ONE, WHOLE, load_facebook,
                                     normalize_by_page, popularity_table, split_indices)


#: A plausible video (10 s of 25 fps, 224x400): the features that are not shares of [0, 1].
TYPICAL = {"dominant_color.value": "3", "general.duration": "10", "general.fps": "25",
           "general.frame_count": "250", "general.frame_size.height": "224",
           "general.frame_size.width": "400", "shot_detection.shots_count": "3",
           **{f"dominant_color.histogram_{i}": "0.1" for i in range(10)}}  # shares summing to 1


def write_csv(path, ids, views, features=None, drop=()):
    """A file with the real columns: every feature :data:`TYPICAL` or 0.5 unless ``features`` =
    {(row, column): raw}."""
    cells = {"facebook_post_id": ids}
    for name in FEATURES:
        cells[name] = [TYPICAL.get(name, "0.5")] * len(ids)
    cells["views_96"] = views
    frame = pd.DataFrame(cells).astype(str)
    for (row, column), raw in (features or {}).items():
        frame.loc[row, column] = raw
    frame.drop(columns=list(drop)).to_csv(path, index=False)
    return path


def test_features_are_the_28_columns_of_the_file():
    assert len(FEATURES) == 28 and len(set(FEATURES)) == 28
    assert REQUIRED[0] == "facebook_post_id" and REQUIRED[-1] == "views_96"
    folder = data_dir("facebook_2015")
    if folder is not None:
        header = (folder / "visual_features_96h.csv").read_text().splitlines()[0].split(",")
        assert tuple(header) == REQUIRED


def test_missing_columns_name_the_file_and_the_columns(tmp_path):
    path = write_csv(tmp_path / "bad.csv", ["1_2"], ["3"], drop=["general.fps", "views_96"])
    with pytest.raises(ValueError, match=r"bad.csv: missing column\(s\) general.fps, views_96 \(found: facebook_post_id, "):
        load_facebook(path)
    with pytest.raises(ValueError, match="cannot be read"):
        load_facebook(tmp_path / "absent.csv")


def test_malformed_post_id_names_the_row(tmp_path):
    path = write_csv(tmp_path / "ids.csv", ["11_1", "11-2", "12_3", "x"], ["1", "2", "3", "4"])
    with pytest.raises(ValueError, match=r"ids.csv: row 1 \(line 3\): facebook_post_id '11-2' is "
                                         r"not PAGE_POST .*; 2 such row\(s\)"):
        load_facebook(path)


def test_cells_that_do_not_parse_become_problems_never_silent_drops(tmp_path, capsys):
    ids = ["11_1", "11_2", "12_3", "12_4", "12_5", "12_6"]
    bad = {(1, "general.fps"): "", (2, "general.duration"): "NA", (3, "rigidity.average_rigidity"): "x1",
           (4, "general.fps"): "inf", (4, "general.duration"): " 7 "}
    videos = load_facebook(write_csv(tmp_path / "p.csv", ids, ["10", "20", "30", "40", "50", "-5"], bad))
    f = videos.frame
    assert len(f) == 6 and f.row.tolist() == list(range(6))
    assert f.page.tolist() == ["11", "11", "12", "12", "12", "12"]
    assert f.post_id.tolist() == ids and f.loc[4, "general.duration"] == 7.0  # spaces are fine
    assert f.views.tolist()[:5] == [10, 20, 30, 40, 50] and np.isnan(f.views.iat[5])
    got = list(videos.problems[["row", "post_id", "column", "reason"]].itertuples(index=False, name=None))
    assert sorted(got) == sorted([(1, "11_2", "general.fps", "empty"),
                                  (2, "12_3", "general.duration", "missing (NA)"),
                                  (3, "12_4", "rigidity.average_rigidity", "not a number"),
                                  (4, "12_5", "general.fps", "not finite"),
                                  (5, "12_6", "views_96", "outside 0..1e+11")])
    assert "general.fps: 1 (empty; e.g. row 1 '')\n  general.fps: 1 (not finite; e.g. row 4 'inf')" in videos.report()
    kept = videos.complete()
    assert kept.row.tolist() == [0]
    out = capsys.readouterr().out
    assert "1 of 6 videos" in out and "left out 5" in out and "general.fps: 2" in out


def test_normalize_by_page_and_label_by_hand():
    views = [10, 20, 30, 0, 4]
    pages = ["A", "A", "A", "B", "B"]
    ratio, median = normalize_by_page(views, pages)
    np.testing.assert_allclose(median, [20, 20, 20, 2, 2])  # page medians
    np.testing.assert_allclose(ratio, [0.5, 1.0, 1.5, 0.0, 2.0])
    with pytest.raises(ValueError, match=r"page 'C': median views is 0 over its 3 video"):
        normalize_by_page([10, 20, 0, 0, 5], ["A", "A", "C", "C", "C"])
    with pytest.raises(ValueError, match="views"):
        normalize_by_page([1, -1], ["A", "A"])
    with pytest.raises(ValueError, match="pages has 1"):
        normalize_by_page([1, 2], ["A"])


def test_popularity_table_by_hand(tmp_path):
    # page 11: views 10, 20, 30 (median 20); page 12: 0, 4 (median 2)
    path = write_csv(tmp_path / "t.csv", ["11_1", "11_2", "11_3", "12_4", "12_5"], ["10", "20", "30", "0", "4"])
    table = popularity_table(load_facebook(path), verbose=False)
    np.testing.assert_allclose(table.ratio, [0.5, 1.0, 1.5, 0.0, 2.0])
    assert table.label.tolist() == [0, 0, 1, 0, 1]  # median ratio 1; popular strictly above


def test_split_indices_is_stratified_disjoint_and_deterministic():
    y = np.array([0] * 500 + [1] * 500)
    train, val, test = split_indices(y, seed=3)
    assert (len(train), len(val), len(test)) == (800, 100, 100)
    assert len(np.intersect1d(train, test)) == 0 and len(np.intersect1d(val, test)) == 0
    assert y[test].mean() == 0.5 and y[val].mean() == 0.5
    np.testing.assert_array_equal(test, split_indices(y, seed=3)[2])
    assert not np.array_equal(test, split_indices(y, seed=4)[2])
    with pytest.raises(ValueError, match="sum below 1"):
        split_indices(y, 0, test_size=0.5, val_size=0.5)


def test_the_real_facebook_videos():
    folder = data_dir("facebook_2015")
    if folder is None:
        pytest.skip("VIRA_DATA with facebook_2015/ is not available")
    videos = load_facebook(folder / "visual_features_96h.csv")
    assert len(videos.frame) == 1_820 and videos.problems.empty
    table = popularity_table(videos, verbose=False)
    assert len(table) == 1_820 and table.page.nunique() == 7
    assert table.page.value_counts().to_dict()["341163402640457"] == 656
    assert abs(table.label.mean() - 0.5) < 0.01
    assert (table.groupby("page").label.mean() - 0.5).abs().max() < 0.03  # balanced within pages
    assert (table.views == 0).sum() == 16


def test_an_empty_or_header_only_file_is_refused_by_name(tmp_path, refuses_empty_files):
    refuses_empty_files(load_facebook, write_csv(tmp_path / "head.csv", [], []))


def test_a_repeated_column_name_is_refused(tmp_path):
    path = write_csv(tmp_path / "twice.csv", ["1_2"], ["3"])
    lines = path.read_text().splitlines()
    path.write_text(lines[0] + ",general.fps\n" + lines[1] + ",25\n")
    with pytest.raises(ValueError, match=r"twice.csv: column 'general.fps' appears 2 times in the header "
                                         r"\(columns 17, 31 of line 1\)"):
        load_facebook(path)


def test_a_repeated_post_id_names_both_rows(tmp_path):
    path = write_csv(tmp_path / "dup.csv", ["11_1", "11_2", "11_1"], ["1", "2", "3"])
    with pytest.raises(ValueError, match=r"dup.csv: facebook_post_id '11_1' appears in rows 0, 2"):
        load_facebook(path)


def test_the_rules_cover_every_number_of_the_file():
    assert set(RANGES) == set(REQUIRED[1:])
    assert all(low < high for low, high in RANGES.values())


@pytest.mark.parametrize("column", sorted(RANGES))
@pytest.mark.parametrize("side", ["below", "above"])
def test_every_range_rule_makes_a_problem_of_a_value_beyond_it(tmp_path, column, side):
    low, high = RANGES[column]
    value = low - 1 if side == "below" else high * 10
    raw = f"{value:g}"
    videos = load_facebook(write_csv(tmp_path / "r.csv", ["11_1", "11_2"], ["5", "6"], {(1, column): raw}))
    got = videos.problems[["row", "post_id", "column", "raw", "reason"]].values.tolist()
    assert got == [[1, "11_2", column, raw, f"outside {low:g}..{high:g}"]]
    name = "views" if column == "views_96" else column
    assert np.isnan(videos.frame[name].iat[1]) and not np.isnan(videos.frame[name].iat[0])
    assert f"r.csv: 2 rows; cells that could not be parsed:\n  {column}: 1 (outside" in videos.report()


def test_negative_fps_and_a_huge_duration_are_problems(tmp_path):
    bad = {(0, "general.fps"): "-25", (1, "general.duration"): "1e30"}
    videos = load_facebook(write_csv(tmp_path / "p.csv", ["11_1", "11_2"], ["5", "6"], bad))
    got = videos.problems[["row", "column", "reason"]].values.tolist()
    assert sorted(got) == [[0, "general.fps", "outside 1..240"], [1, "general.duration", "outside 0.1..86400"]]


@pytest.mark.parametrize("column", WHOLE)
def test_a_count_with_a_fraction_is_a_problem(tmp_path, column):
    text = "224.5" if column != "dominant_color.value" else "3.5"
    views = ["5", text] if column == "views_96" else ["5", "6"]
    features = {} if column == "views_96" else {(1, column): text}
    videos = load_facebook(write_csv(tmp_path / "w.csv", ["11_1", "11_2"], views, features))
    assert videos.problems[["row", "column", "raw", "reason"]].values.tolist() == [
        [1, column, text, "not a whole number"]]


@pytest.mark.parametrize("group", sorted(SUMS_TO_ONE))
def test_shares_that_do_not_sum_to_one_are_one_problem(tmp_path, group):
    first = SUMS_TO_ONE[group][0]
    videos = load_facebook(write_csv(tmp_path / "s.csv", ["11_1", "11_2"], ["5", "6"], {(1, first): "0.9"}))
    assert videos.problems[["row", "column", "reason"]].values.tolist() == [
        [1, group, "shares that do not sum to 1 (+-0.001)"]]
    assert videos.frame.loc[1, list(SUMS_TO_ONE[group])].isna().all()
    assert not videos.frame.loc[0, list(SUMS_TO_ONE[group])].isna().any()


@pytest.mark.parametrize("post_id", ["011_1", "11_01", "١١_1"])
def test_a_post_id_is_ascii_digits_without_a_leading_zero(tmp_path, post_id):
    with pytest.raises(ValueError, match=rf"ids.csv: row 0 \(line 2\): facebook_post_id '{post_id}'"):
        load_facebook(write_csv(tmp_path / "ids.csv", [post_id, "11_2"], ["5", "6"]))
