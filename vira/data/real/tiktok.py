"""The public TikTok crawl (``$VIRA_DATA/tiktok_vn_2025/``): parse counts, times and durations.

Two snapshots of a Vietnamese TikTok feed (2025): ``raw_data.csv`` (10,102 videos) and
``recrawled_1v.csv`` (2,409 of them scraped again about a week later; it starts with a UTF-8 BOM
and lists ``vid_scrapeTime`` before ``vid_postTime``, so columns are read by name, never by
position). Counts are text such as ``541.2K``, ``1.4M`` or ``1991``.

Nothing is dropped silently: a cell that cannot be parsed, or whose value no real video can have
(the plausibility rules :data:`RANGES`, :data:`AT_MOST_VIEWS`, :data:`EARLIEST`), becomes NaN in the
parsed table and a row in :attr:`Snapshot.problems` (row, video id, column, raw text, reason);
:meth:`Snapshot.complete` then leaves out rows explicitly and says how many and why. A file that is
not a table of videos (empty, only a header, a column name twice, a missing column, a video id
that is not one (:data:`VIDEO_ID`) or appears twice) is refused with a ``ValueError`` naming the file (and the
rows). Used by chapter 1 (``01_labels``).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from vira.data.real.parsed_table import ParsedTable, out_of_range, read_cells, refuse_duplicates

#: Count columns of the CSV and the names they get in the parsed table.
COUNTS = {"user_nfollower": "followers", "vid_nview": "views", "vid_nlike": "likes",
          "vid_ncomment": "comments", "vid_nshare": "shares", "vid_nsave": "saves"}
#: Every column the loader reads; a file without one of them is refused.
REQUIRED = ("user_name", "vid_id", "vid_postTime", "vid_scrapeTime", "vid_duration",
            "music_id", "music_title", *COUNTS)
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
#: The CSV column each checked number of the parsed table comes from (problems name it).
SOURCE = {**{name: column for column, name in COUNTS.items()}, "duration_s": "vid_duration"}
#: The plausible range of each parsed number, (low, high) inclusive; a value outside becomes NaN
#: and a problem. TikTok's most viewed video has about 2.5e9 views, its largest account about
#: 1.8e8 followers, its longest upload 60 minutes (this crawl: at most 30).
RANGES = {"followers": (0, 1e10), "views": (0, 1e11), "likes": (0, 1e11), "comments": (0, 1e11),
          "shares": (0, 1e11), "saves": (0, 1e11), "duration_s": (0, 7200)}
#: Counts that cannot exceed the video's views (each needs someone who saw it); a larger one
#: becomes NaN (the views stay) and a problem.
AT_MOST_VIEWS = ("likes", "comments", "shares", "saves")
#: No post or scrape time is earlier than TikTok (Douyin opened in September 2016), nor later
#: than the moment the file is read (a time in the future).
EARLIEST = pd.Timestamp("2016-09-01")
#: A video id: TikTok's are 64-bit integers (19 digits in this crawl), so 1 to 20 ASCII digits
#: below 2**64 (checked beside the pattern) without a leading zero (``011`` and ``11`` cannot hide one video twice); anything else refuses
#: the file.
VIDEO_ID = re.compile(r"[1-9][0-9]{0,19}")
_COUNT = re.compile(r"([0-9]+(?:\.[0-9]+)?)([KMB]?)")  # ASCII digits only: not '１２' or '١٢'

_SUFFIX = {"": 1, "K": 1e3, "M": 1e6, "B": 1e9}


def parse_count(text: str) -> float:
    """``"541.2K"`` -> 541200.0, ``"1.4M"`` -> 1400000.0, ``"1991"`` -> 1991.0.

    Raises ValueError for anything else (empty cells, words such as ``"Share"``, signs, commas, a
    fraction without a suffix such as ``"1991.7"``, a number too large for a float).
    The K/M suffixes round the true count (``541.2K`` is 541,150 to 541,249).
    """
    match = _COUNT.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"not a count: {text!r}")
    if "." in match.group(1) and not match.group(2):
        raise ValueError(f"not a count: {text!r} (a fraction without K, M or B)")
    value = float(match.group(1)) * _SUFFIX[match.group(2)]
    if not np.isfinite(value):
        raise ValueError(f"not a count: {text!r} (too large to be a number)")
    return round(value)


def parse_duration(text: str) -> float:
    """``"mm:ss"`` (or ``"hh:mm:ss"``) -> seconds; raises ValueError for anything else, seconds or
    minutes after the first part of 60 or more included."""
    parts = text.strip().split(":") if isinstance(text, str) else []
    if (len(parts) not in (2, 3) or not all(p.isascii() and p.isdigit() for p in parts)
            or any(int(p) >= 60 for p in parts[1:])):
        raise ValueError(f"not a duration mm:ss: {text!r}")
    seconds = 0
    for part in parts:
        seconds = seconds * 60 + int(part)
    return float(seconds)


class Snapshot(ParsedTable):
    """One parsed CSV file.

    ``frame`` has one row per CSV row, in file order, with columns ``user_name``, ``vid_id``,
    ``followers``, ``views``, ``likes``, ``comments``, ``shares``, ``saves`` (floats, NaN where the
    cell could not be parsed), ``duration_s``, ``posted``, ``scraped`` (timestamps), ``days``
    (scraped - posted, in days), ``music_id``, ``music_title``, and the raw ``caption``/``hashtags``.
    ``problems`` has columns row, vid_id, column, raw, reason; :meth:`report` and :meth:`complete`
    come from :class:`~vira.data.real.parsed_table.ParsedTable`.
    """


def load_snapshot(path: str | Path) -> Snapshot:
    """Read and parse one TikTok CSV file (see the module docstring)."""
    path = Path(path)
    raw = read_cells(path, REQUIRED)
    ids = raw.vid_id.str.strip()
    bad = [i for i, text in enumerate(ids) if not (VIDEO_ID.fullmatch(text) and int(text) < 2**64)]
    if bad:
        raise ValueError(f"{path}: row {bad[0]}: vid_id {raw.vid_id.iat[bad[0]]!r} is not a video id "
                         f"(1 to 20 digits 0-9, no leading 0, below 2**64); {len(bad)} such row(s)")
    refuse_duplicates(path, ids, "vid_id")
    problems: list[tuple] = []

    def parsed(column: str, parse, reason: str) -> np.ndarray:
        out = np.full(len(raw), np.nan)
        for i, text in enumerate(raw[column]):
            try:
                out[i] = parse(text)
            except ValueError:
                why = "empty" if text.strip() == "" else reason
                problems.append((i, raw.vid_id.iat[i], column, text, why))
        return out

    frame = pd.DataFrame({"user_name": raw.user_name, "vid_id": raw.vid_id})
    for column, name in COUNTS.items():
        frame[name] = parsed(column, parse_count, "not a count")
    frame["duration_s"] = parsed("vid_duration", parse_duration, "not mm:ss")
    for column, name in (("vid_postTime", "posted"), ("vid_scrapeTime", "scraped")):
        times = pd.to_datetime(raw[column], format=TIME_FORMAT, errors="coerce")
        for i in np.flatnonzero(times.isna()):
            problems.append((i, raw.vid_id.iat[i], column, raw[column].iat[i], "not a time"))
        frame[name] = times
    problems += _implausible(raw, frame)
    days = (frame.scraped - frame.posted).dt.total_seconds() / 86400
    for i in np.flatnonzero(days < 0):
        problems.append((i, raw.vid_id.iat[i], "vid_postTime", raw.vid_postTime.iat[i],
                         "posted after it was scraped"))
    frame["days"] = days.where(days >= 0)
    frame["music_id"] = raw.music_id.replace("", np.nan)
    frame["music_title"] = raw.music_title
    for column, name in (("vid_caption", "caption"), ("vid_hashtags", "hashtags")):
        if column in raw.columns:
            frame[name] = raw[column]
    report = pd.DataFrame(problems, columns=["row", "vid_id", "column", "raw", "reason"])
    report = report.sort_values(["column", "row"], kind="stable", ignore_index=True)
    return Snapshot(path, frame, report)


def _implausible(raw: pd.DataFrame, frame: pd.DataFrame) -> list[tuple]:
    """Apply the plausibility rules to the parsed ``frame`` in place: every value outside
    :data:`RANGES`, count above the views (:data:`AT_MOST_VIEWS`), time before
    :data:`EARLIEST` or in the future becomes NaN (NaT); returns one problem per such cell, as in
    ``problems``."""
    found: list[tuple] = []
    now = pd.Timestamp.now()

    def flag(rows, name: str, column: str, why: str) -> None:
        found.extend((i, raw.vid_id.iat[i], column, raw[column].iat[i], why) for i in rows)
        frame.loc[rows, name] = np.nan if frame[name].dtype.kind == "f" else pd.NaT

    for name, (low, high) in RANGES.items():
        rows, why = out_of_range(frame[name], low, high)
        flag(rows, name, SOURCE[name], why)
    for name in AT_MOST_VIEWS:
        for i in np.flatnonzero((frame[name] > frame.views).to_numpy()):
            flag([i], name, SOURCE[name], f"more than vid_nview {raw.vid_nview.iat[i]!r}")
    for column, name in (("vid_postTime", "posted"), ("vid_scrapeTime", "scraped")):
        flag(np.flatnonzero((frame[name] < EARLIEST).to_numpy()), name, column,
             f"before {EARLIEST:%Y-%m-%d} (TikTok did not exist)")
        flag(np.flatnonzero((frame[name] > now).to_numpy()), name, column,
             "in the future (after the file was read)")
    return found


def load_tiktok(folder: str | Path) -> tuple[Snapshot, Snapshot]:
    """Both snapshots from ``folder`` (``$VIRA_DATA/tiktok_vn_2025``): first crawl, re-crawl."""
    folder = Path(folder)
    return load_snapshot(folder / "raw_data.csv"), load_snapshot(folder / "recrawled_1v.csv")


def generate_counts(n: int, seed: int = 0) -> pd.DataFrame:
    """A synthetic table with the parsed columns of :class:`Snapshot`, for runs without the data.

    Followers are log-normal; views grow with followers and with a hidden appeal; likes, comments,
    shares and saves are heavy-tailed fractions of views; videos are 0.5-60 days old. The numbers
    are plausible, not fitted: chapter 1 says so when it falls back to them.
    """
    rng = np.random.default_rng(seed)
    followers = np.round(np.exp(rng.normal(9.0, 2.2, n)))
    appeal = rng.normal(0, 1, n)
    views = np.round(np.exp(10.0 + 0.4 * np.log1p(followers) + 1.3 * appeal + rng.normal(0, 0.8, n)))

    def part(rate: float, spread: float) -> np.ndarray:
        return np.round(views * np.exp(np.log(rate) + spread * rng.normal(0, 1, n) + 0.3 * appeal))

    posted = pd.Timestamp("2025-05-01") + pd.to_timedelta(rng.uniform(0, 20, n), unit="D")
    days = rng.uniform(0.5, 60, n)
    return pd.DataFrame({
        "user_name": [f"creator{i % max(n // 3, 1)}" for i in range(n)],
        "vid_id": [str(10**18 + i) for i in range(n)],
        "followers": followers, "views": views, "likes": part(0.05, 0.6),
        "comments": part(0.001, 0.9), "shares": part(0.002, 1.0), "saves": part(0.003, 0.9),
        "duration_s": np.round(rng.uniform(5, 90, n)),
        "posted": posted, "scraped": posted + pd.to_timedelta(days, unit="D"), "days": days,
        "music_id": [f"m{k}" for k in rng.zipf(1.6, n) % 200],
        "music_title": "", "caption": "", "hashtags": "",
    })


#: Why :func:`caption_table` leaves a video out, in the order the reasons are checked.
CAPTION_EXCLUSIONS = ("empty text", "missing views", "missing followers", "zero followers")


def video_text(caption: str, hashtags: str) -> str:
    """A video's text: its caption, then its hashtags as ``#tag``, each once.

    The crawl moves most hashtags out of the caption into ``vid_hashtags`` (comma separated,
    without ``#``: ``"suckhoe, thaomoc"``), but a few captions still contain ``#tag`` and a few tag
    lists repeat a tag. A tag already in the caption, or already added, is not added again
    (compared as :func:`vira.text.tokenize` sees it: ``#XuHuong`` and ``xuhuong`` are the same tag).
    """
    from vira.text import tokenize

    caption = caption.strip() if isinstance(caption, str) else ""
    hashtags = hashtags if isinstance(hashtags, str) else ""
    seen = {t for t in tokenize(caption) if t.startswith("#")}
    extra = []
    for tag in hashtags.split(","):
        tag = tag.strip().lstrip("#")
        tokens = tokenize("#" + tag)
        if not tokens:
            continue
        if tokens[0] not in seen:
            seen.add(tokens[0])
            extra.append("#" + tag)
    return " ".join([caption, *extra]).strip()


def caption_table(snapshot: Snapshot) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The videos with a text and a Pay-Attention label, and the videos left out, with why.

    Text = caption + hashtags (:func:`video_text`), tokens = :func:`vira.text.tokenize` of it.
    A video is left out for the first of :data:`CAPTION_EXCLUSIONS` that applies: no tokens
    (``empty text``), a views or followers cell that did not parse (``missing views``,
    ``missing followers``), or ``zero followers`` (views / followers is undefined).

    Returns ``(table, excluded)``. ``table`` (one row per kept video, in file order) has columns
    ``row`` (the CSV row, as in :attr:`Snapshot.problems`), ``vid_id``, ``user_name``, ``text``,
    ``tokens`` (list of str), ``views``, ``followers``, ``ratio`` (views / followers) and ``label``:
    Pay Attention to Virality's label (§2), :func:`vira.labels.follower_normalized_binary`, 1 where
    the ratio is strictly above its median over the kept videos. ``excluded`` has columns ``row``,
    ``vid_id``, ``reason``; ``len(table) + len(excluded) == len(snapshot.frame)``.
    """
    from vira.labels import follower_normalized_binary
    from vira.text import tokenize

    frame = snapshot.frame
    missing = [c for c in ("caption", "hashtags") if c not in frame.columns]
    if missing:
        raise ValueError(f"{snapshot.path}: no {' or '.join(missing)} column "
                         "(the CSV lacks vid_caption / vid_hashtags)")
    texts = [video_text(c, h) for c, h in zip(frame.caption, frame.hashtags)]
    tokens = [tokenize(t) for t in texts]
    reasons = pd.Series(None, index=frame.index, dtype=object)
    checks = {"empty text": np.array([len(t) == 0 for t in tokens], dtype=bool),
              "missing views": frame.views.isna().to_numpy(),
              "missing followers": frame.followers.isna().to_numpy(),
              "zero followers": (frame.followers == 0).to_numpy()}
    assert tuple(checks) == CAPTION_EXCLUSIONS
    for reason, bad in checks.items():
        reasons[bad & reasons.isna().to_numpy()] = reason
    keep = reasons.isna().to_numpy()
    excluded = pd.DataFrame({"row": np.flatnonzero(~keep), "vid_id": frame.vid_id[~keep].to_numpy(),
                             "reason": reasons[~keep].to_numpy()})
    rows = np.flatnonzero(keep)
    views = frame.views.to_numpy()[keep]
    followers = frame.followers.to_numpy()[keep]
    table = pd.DataFrame({
        "row": rows, "vid_id": frame.vid_id.to_numpy()[keep],
        "user_name": frame.user_name.to_numpy()[keep],
        "text": [texts[i] for i in rows], "tokens": [tokens[i] for i in rows],
        "views": views, "followers": followers, "ratio": views / followers,
        "label": follower_normalized_binary(views, followers) if keep.any() else np.zeros(0, int),
    })
    return table, excluded
