"""vira.data.real.tiktok: count and duration parsing, problem reports, bad files."""

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from vira.data import data_dir
from vira.data.real.tiktok import (REQUIRED, generate_counts, load_snapshot, load_tiktok, parse_count,
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


# --- caption_table: the text and the Pay-Attention label of each video -------------------------

def caption_row(user: str, followers: str, vid: str, caption: str, views: str, hashtags: str) -> str:
    return (f'{user},{followers},{vid},"{caption}",2025-06-06 10:00:00,2025-06-01 10:00:00,00:30,'
            f'{views},1,1,1,1,"{hashtags}",u,1,t,1 videos,b,True')


def test_video_text_adds_each_hashtag_once():
    from vira.data.real.tiktok import video_text
    assert video_text("Sức khỏe #XuHuong ", "xuhuong, suckhoe, suckhoe") == "Sức khỏe #XuHuong #suckhoe"
    assert video_text("", "fyp, #viral") == "#fyp #viral"
    assert video_text("Hay quá", "") == "Hay quá"
    assert video_text("xuhuong", "xuhuong") == "xuhuong #xuhuong"  # a caption word is not a tag


def test_caption_table_exclusions_and_label_by_hand(tmp_path):
    from vira.data.real.tiktok import CAPTION_EXCLUSIONS, caption_table
    rows = [
        caption_row("a", "100", "10", "Sức khỏe #xuhuong", "50", "xuhuong, suckhoe"),  # ratio 0.5
        caption_row("b", "1K", "11", "Hay quá 🔥", "3K", ""),                          # ratio 3
        caption_row("c", "10", "12", "", "10", "fyp"),                                 # ratio 1
        caption_row("d", "", "13", "", "5", ""),          # empty text (and missing followers)
        caption_row("e", "", "14", "x", "5", ""),         # missing followers
        caption_row("f", "7", "15", "x", "", ""),         # missing views
        caption_row("g", "0", "16", "x", "5", ""),        # zero followers
        caption_row("h", "7", "17", "... !!", "5", ""),   # empty text: punctuation only
        caption_row("i", "2", "18", "🗿", "8", ""),                                   # ratio 4
    ]
    table, excluded = caption_table(load_snapshot(write(tmp_path / "s.csv", rows)))
    assert excluded.to_dict("list") == {
        "row": [3, 4, 5, 6, 7], "vid_id": ["13", "14", "15", "16", "17"],
        "reason": ["empty text", "missing followers", "missing views", "zero followers", "empty text"]}
    assert set(excluded.reason) <= set(CAPTION_EXCLUSIONS)
    assert list(table.columns) == ["row", "vid_id", "user_name", "text", "tokens", "views",
                                   "followers", "ratio", "label"]
    assert table.row.tolist() == [0, 1, 2, 8] and table.user_name.tolist() == ["a", "b", "c", "i"]
    assert table.text.tolist() == ["Sức khỏe #xuhuong #suckhoe", "Hay quá 🔥", "#fyp", "🗿"]
    assert table.tokens.tolist() == [["sức", "khỏe", "#xuhuong", "#suckhoe"], ["hay", "quá", "🔥"],
                                     ["#fyp"], ["🗿"]]
    np.testing.assert_allclose(table.ratio, [0.5, 3.0, 1.0, 4.0])
    assert table.label.tolist() == [0, 1, 0, 1]  # median ratio 2: popular strictly above it
    assert len(table) + len(excluded) == len(rows)


def test_caption_table_needs_the_text_columns(tmp_path):
    from vira.data.real.tiktok import caption_table
    snap = load_snapshot(write(tmp_path / "s.csv", [caption_row("a", "1", "1", "x", "1", "")]))
    snap.frame = snap.frame.drop(columns=["hashtags"])
    with pytest.raises(ValueError, match=r"s.csv: no hashtags column"):
        caption_table(snap)


def test_caption_table_on_the_real_crawl():
    from vira.data.real.tiktok import caption_table
    folder = data_dir("tiktok_vn_2025")
    if folder is None:
        pytest.skip("VIRA_DATA with tiktok_vn_2025/ is not available")
    first = load_snapshot(folder / "raw_data.csv")
    table, excluded = caption_table(first)
    assert len(table) == 9_425 and len(table) + len(excluded) == 10_102
    assert excluded.reason.value_counts().to_dict() == {"empty text": 667, "zero followers": 6,
                                                        "missing followers": 4}
    assert abs(table.label.mean() - 0.5) < 0.001
    assert (table.tokens.map(len) > 0).all() and (table.followers > 0).all()
    # the tags added after the caption are distinct and none is already in the caption
    from vira.text import tokenize
    for row, tokens in zip(table.row, table.tokens):
        in_caption = tokenize(first.frame.caption.iat[row])
        added = [t for t in tokens[len(in_caption):] if t.startswith("#")]
        assert tokens[:len(in_caption)] == in_caption
        assert len(set(added)) == len(added) and not set(added) & set(in_caption), row
