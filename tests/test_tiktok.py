"""vira.data.tiktok: count and duration parsing, problem reports, bad files."""

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from vira.data import data_dir
from vira.data.tiktok import (REQUIRED, generate_counts, load_snapshot, load_tiktok, parse_count,
                              parse_duration)

HEADER = ("user_name,user_nfollower,vid_id,vid_caption,vid_scrapeTime,vid_postTime,vid_duration,"
          "vid_nview,vid_nlike,vid_ncomment,vid_nshare,vid_nsave,vid_hashtags,vid_url,music_id,"
          "music_title,music_nused,music_authorName,music_originality")


@pytest.mark.parametrize("text, value", [("541.2K", 541_200), ("1.4M", 1_400_000), ("1991", 1991),
                                         ("2B", 2_000_000_000), (" 12 ", 12), ("0", 0)])
def test_parse_count(text, value):
    assert parse_count(text) == value


@pytest.mark.parametrize("text", ["", "Share", "-3", "1,234", "1.2k", "K", None])
def test_parse_count_refuses(text):
    with pytest.raises(ValueError, match="not a count"):
        parse_count(text)


def test_parse_duration():
    assert parse_duration("00:31") == 31
    assert parse_duration("01:05") == 65
    assert parse_duration("1:00:00") == 3600
    for bad in ("5", "a:b", ""):
        with pytest.raises(ValueError, match="mm:ss"):
            parse_duration(bad)


def write(path: Path, rows: list[str], bom: bool = True) -> Path:
    path.write_text(("\ufeff" if bom else "") + HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_snapshot_with_bom_swapped_times_and_bad_cells(tmp_path, capsys):
    rows = [  # scrape time first, post time second, as in recrawled_1v.csv
        'a,1.5K,11,"hi, there",2025-06-06 10:00:00,2025-06-01 10:00:00,00:30,2M,30K,657,1161,1716,x,u,7.5e+18,t,3 videos,b,True',
        'b,,12,c,2025-06-06 10:00:00,2025-06-04 22:00:00,01:05,,30,7,Share,1,x,u,,t,,b,True',
        'c,10,13,c,2025-06-01 10:00:00,2025-06-02 10:00:00,00:10,5,1,0,0,0,x,u,1,t,1 videos,b,True',
    ]
    snap = load_snapshot(write(tmp_path / "s.csv", rows))
    f = snap.frame
    assert len(f) == 3  # nothing dropped
    assert f.loc[0, ["followers", "views", "likes", "comments", "shares", "saves"]].tolist() == \
        [1500, 2_000_000, 30_000, 657, 1161, 1716]
    assert f.loc[0, "days"] == 5.0 and f.loc[0, "duration_s"] == 30
    assert f.loc[1, "days"] == 1.5 and f.loc[1, "duration_s"] == 65
    assert np.isnan(f.loc[1, "followers"]) and np.isnan(f.loc[1, "views"]) and np.isnan(f.loc[1, "shares"])
    assert np.isnan(f.loc[2, "days"])  # posted after it was scraped
    got = set(zip(snap.problems.row, snap.problems.column, snap.problems.reason))
    assert got == {(1, "user_nfollower", "empty"), (1, "vid_nview", "empty"),
                   (1, "vid_nshare", "not a count"), (2, "vid_postTime", "posted after it was scraped")}
    assert "vid_nshare: 1 (not a count; e.g. row 1 'Share')" in snap.report()
    kept = snap.complete(["likes", "views"])
    assert kept.vid_id.tolist() == ["11", "13"]
    assert "2 of 3 rows" in capsys.readouterr().out


def test_missing_column_names_file_and_column(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER.replace("vid_nlike,", "") + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad.csv: missing column\(s\) vid_nlike"):
        load_snapshot(path)
    with pytest.raises(ValueError, match="cannot be read"):
        load_snapshot(tmp_path / "absent.csv")


def test_generated_table_has_the_parsed_columns_and_is_deterministic(tmp_path):
    snap = load_snapshot(write(tmp_path / "s.csv", [
        'a,1,11,c,2025-06-06 10:00:00,2025-06-01 10:00:00,00:30,2,3,4,5,6,x,u,7,t,3 videos,b,True']))
    gen = generate_counts(50, seed=1)
    assert set(snap.frame.columns) <= set(gen.columns)
    pd.testing.assert_frame_equal(gen, generate_counts(50, seed=1))
    assert (gen[["followers", "views", "likes", "comments", "shares"]] >= 0).all().all()
    assert len(REQUIRED) == 13


def test_the_real_crawl_parses_with_known_problems():
    folder = data_dir("tiktok_vn_2025")
    if folder is None:
        pytest.skip("VIRA_DATA with tiktok_vn_2025/ is not available")
    first, second = load_tiktok(folder)
    assert len(first.frame) == 10_102 and len(second.frame) == 2_409
    assert first.problems.column.value_counts().to_dict() == {"vid_ncomment": 41, "user_nfollower": 5}
    assert second.problems.column.value_counts().to_dict() == {"vid_nview": 357, "vid_nshare": 1}
    assert (first.frame.days.between(0.7, 95)).all()


def test_vira_data_must_be_a_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("VIRA_DATA", str(tmp_path / "nope"))
    with pytest.raises(FileNotFoundError, match="VIRA_DATA"):
        data_dir("tiktok_vn_2025")
    monkeypatch.setenv("VIRA_DATA", str(tmp_path))
    assert data_dir("tiktok_vn_2025") is None
    monkeypatch.delenv("VIRA_DATA")
    assert data_dir("tiktok_vn_2025") is None
