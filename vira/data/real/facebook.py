"""The public Facebook videos of 2015 (``$VIRA_DATA/facebook_2015/visual_features_96h.csv``).

Pay Attention to Virality (Bielski and Trzcinski 2018, §2-3) labels 37k Facebook videos popular or
not by splitting at the median of views / page followers, trains on an 80/10/10 split and reports
test accuracy and the Spearman correlation between P(popular) and the normalised views (its
Table 1: 68-73 % and 0.52-0.61), from ResNet50 frame features and GloVe headlines.

The one public Facebook set we have is smaller and different: 1,820 videos of 7 pages, with
``facebook_post_id`` (page id, underscore, post id), 28 hand-made visual features (:data:`FEATURES`:
colour histogram, faces, duration, fps, frame size, motion, clutter, rigidity, shots, text) and
``views_96`` (views 96 hours after posting). What we do differently, and why:

* There are no follower counts, so :func:`normalize_by_page` divides a video's views by the median
  views of its page: the page's typical audience stands in for its followers. The label is then
  the paper's, :func:`vira.labels.follower_normalized_binary` (median split of the normalised
  count). About half of each page's videos are above their page's median, so the page alone says
  almost nothing about the label, as with the paper's follower normalisation.
* There are no frames or headlines, so the models are a logistic regression and gradient boosting
  on the 28 features, with the paper's split sizes (:func:`split_indices`) and metrics, over
  several seeds because 182 test videos give noisy numbers. They are trained and scored by
  :func:`vira.training.pay_attention.classify_facebook`, with the same protocol as the networks.

Nothing is dropped silently: a cell that does not parse, or whose value lies outside its column's
plausible range (:data:`RANGES`), has a fraction where it counts things (:data:`WHOLE`) or
belongs to shares that do not sum to 1 (:data:`SUMS_TO_ONE`), becomes NaN and a row of :attr:`FacebookVideos.problems`;
:meth:`FacebookVideos.complete` leaves such rows out and says how many and why. A file that is not
a table of videos (empty, only a header, a column name twice, a missing column, a post id that is
malformed or appears twice) is refused with a ``ValueError`` naming the file (and the rows).
Used by chapter 8 (``08_attention``).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from vira.data.real.parsed_table import ParsedTable, out_of_range, read_cells, refuse_duplicates
from vira.labels import as_counts, follower_normalized_binary

#: The 28 feature columns, in file order.
FEATURES = (
    *(f"dominant_color.histogram_{i}" for i in range(10)), "dominant_color.value",
    "face_detection.average_face2frame_ratio", "face_detection.average_face_count_per_frame",
    "face_detection.average_face_present", "general.duration", "general.fps",
    "general.frame_count", "general.frame_size.height", "general.frame_size.width",
    "other.average_movie_speed", "other.clutter_metric", "rigidity.average_rigidity",
    "shot_detection.average_shot_length", "shot_detection.shots_count",
    "shot_detection.transition_histogram_0", "shot_detection.transition_histogram_1",
    "text_detection.average_text2frame_ratio", "text_detection.average_text_frames",
)
ID_COLUMN, VIEWS_COLUMN = "facebook_post_id", "views_96"
REQUIRED = (ID_COLUMN, *FEATURES, VIEWS_COLUMN)
#: The plausible range of every number of the file, (low, high) inclusive; a value outside
#: becomes NaN and a problem. Histograms, ratios and shares of frames lie in [0, 1];
#: ``dominant_color.value`` is the index of the largest of the 10 colour bins. The real file
#: (checked): 1.3 s to 44 min, 23-30 fps, frames 224x400 to 720x1280, up to 5.8e7 views.
RANGES = {
    **{f"dominant_color.histogram_{i}": (0, 1) for i in range(10)}, "dominant_color.value": (0, 9),
    "face_detection.average_face2frame_ratio": (0, 1),
    "face_detection.average_face_count_per_frame": (0, 100),
    "face_detection.average_face_present": (0, 1), "general.duration": (0.1, 86400),
    "general.fps": (1, 240), "general.frame_count": (1, 1e8),
    "general.frame_size.height": (1, 16384), "general.frame_size.width": (1, 16384),
    "other.average_movie_speed": (0, 1e5), "other.clutter_metric": (0, 1),
    "rigidity.average_rigidity": (0, 1), "shot_detection.average_shot_length": (0, 86400),
    "shot_detection.shots_count": (0, 1e6), "shot_detection.transition_histogram_0": (0, 1),
    "shot_detection.transition_histogram_1": (0, 1),
    "text_detection.average_text2frame_ratio": (0, 1),
    "text_detection.average_text_frames": (0, 1), VIEWS_COLUMN: (0, 1e11),
}
#: Columns that count things: a value with a fraction becomes NaN and a problem.
WHOLE = ("dominant_color.value", "general.frame_count", "general.frame_size.height",
         "general.frame_size.width", "shot_detection.shots_count", VIEWS_COLUMN)
#: Groups of columns that are shares of one whole: each row's sum must be 1 within ``SUM_TOLERANCE``
#: (the real file: within 1e-7); otherwise every cell of the group becomes NaN and the row one
#: problem, under the group's name.
SUMS_TO_ONE = {"dominant_color.histogram_0-9": tuple(f"dominant_color.histogram_{i}" for i in range(10)),
               "shot_detection.transition_histogram_0-1": ("shot_detection.transition_histogram_0",
                                                           "shot_detection.transition_histogram_1")}
SUM_TOLERANCE = 1e-3
#: A post id: page id, underscore, post id, each ASCII digits without a leading zero.
_POST_ID = re.compile(r"([1-9][0-9]*)_([1-9][0-9]*)")
_MISSING = {"na", "nan", "null", "none"}


class FacebookVideos(ParsedTable):
    """One parsed file.

    ``frame`` has one row per CSV row, in file order: ``row`` (0-based data row; the file line is
    ``row + 2``), ``post_id`` (str), ``page`` (str, the part before the underscore), the 28
    :data:`FEATURES` (float) and ``views`` (float, views after 96 h); NaN where a cell did not parse.
    ``problems`` has columns row, post_id, column, raw, reason.
    """

    def complete(self, *, verbose: bool = True) -> pd.DataFrame:
        """The rows whose features and views all parsed; says how many were left out and why."""
        return super().complete([*FEATURES, "views"], verbose=verbose, noun="videos",
                                have="every feature and views_96")


def load_facebook(path: str | Path) -> FacebookVideos:
    """Read and parse ``visual_features_96h.csv`` (see the module docstring).

    Refuses (``ValueError`` naming the file) a file that cannot be read, is empty or only a header,
    repeats or lacks a column of :data:`REQUIRED`, a post id that is not ``digits_digits`` (naming
    the row) and a post id that appears twice (naming its rows).
    """
    path = Path(path)
    raw = read_cells(path, REQUIRED)
    ids = raw[ID_COLUMN].str.strip()
    matches = [_POST_ID.fullmatch(text) for text in ids]
    bad = [i for i, m in enumerate(matches) if m is None]
    if bad:
        i = bad[0]
        raise ValueError(f"{path}: row {i} (line {i + 2}): {ID_COLUMN} {raw[ID_COLUMN].iat[i]!r} is "
                         f"not PAGE_POST (digits, underscore, digits; no leading 0); {len(bad)} such row(s)")
    refuse_duplicates(path, ids, ID_COLUMN)
    frame = pd.DataFrame({"row": np.arange(len(raw)), "post_id": ids.to_numpy(),
                          "page": [m.group(1) for m in matches]})
    problems: list[tuple] = []
    for column in (*FEATURES, VIEWS_COLUMN):
        values, reasons = _numbers(raw[column])
        bad, why = out_of_range(values, *RANGES[column])
        values[bad] = np.nan
        reasons.update({i: why for i in bad})
        if column in WHOLE:
            with np.errstate(invalid="ignore"):
                fraction = np.flatnonzero(values != np.round(values))
            fraction = fraction[~np.isnan(values[fraction])]
            values[fraction] = np.nan
            reasons.update({i: "not a whole number" for i in fraction})
        problems += [(i, ids.iat[i], column, raw[column].iat[i], reasons[i]) for i in sorted(reasons)]
        frame["views" if column == VIEWS_COLUMN else column] = values
    problems += _shares_not_summing_to_one(frame, ids)
    report = pd.DataFrame(problems, columns=["row", "post_id", "column", "raw", "reason"])
    return FacebookVideos(path, frame, report)


def _shares_not_summing_to_one(frame: pd.DataFrame, ids: pd.Series) -> list[tuple]:
    """Apply :data:`SUMS_TO_ONE` to ``frame`` in place: a row whose shares (all parsed) do not sum to
    1 gets NaN in each, and one problem (row, id, group name, the sum as text, reason)."""
    found = []
    for group, columns in SUMS_TO_ONE.items():
        total = frame[list(columns)].sum(axis=1, skipna=False).to_numpy()
        with np.errstate(invalid="ignore"):
            rows = np.flatnonzero(np.abs(total - 1) > SUM_TOLERANCE)
        for i in rows:
            found.append((i, ids.iat[i], group, f"sum {total[i]:g}",
                          f"shares that do not sum to 1 (+-{SUM_TOLERANCE:g})"))
        frame.loc[rows, list(columns)] = np.nan
    return found


def _numbers(cells: pd.Series) -> tuple[np.ndarray, dict[int, str]]:
    """The cells of one column as floats (N,), NaN where a cell is empty, NA, not a number or not
    finite, and {row: why} for those rows."""
    text = cells.str.strip()
    values = pd.to_numeric(text.where(~text.str.lower().isin(_MISSING)), errors="coerce")
    values = values.where(np.isfinite(values)).to_numpy(dtype=float, copy=True)
    reasons = {}
    for i in np.flatnonzero(np.isnan(values)):
        cell = text.iat[i]
        if cell == "":
            reasons[i] = "empty"
        elif cell.lower() in _MISSING:
            reasons[i] = "missing (NA)"
        else:
            try:
                reasons[i] = "not finite" if not np.isfinite(float(cell)) else "not a number"
            except ValueError:
                reasons[i] = "not a number"
    return values, reasons


def normalize_by_page(views, pages) -> tuple[np.ndarray, np.ndarray]:
    """Views divided by the median views of the video's page: ``(ratio, page_median)``, each (N,).

    The set has no follower counts, so a page's median views (its typical audience) stands in for
    its followers in the paper's normalisation. Zero views are fine; a page whose median is 0
    raises ``ValueError`` naming the page. Medians are over the videos given (all splits).
    """
    v = as_counts("views", views)
    pages = pd.Series(np.asarray(pages, dtype=object))
    if len(pages) != len(v):
        raise ValueError(f"views has {len(v)} values but pages has {len(pages)}")
    if pages.isna().any():
        raise ValueError(f"pages: missing page at position {int(np.flatnonzero(pages.isna())[0])}")
    medians = pd.Series(v).groupby(pages.to_numpy()).median()
    zero = medians[medians == 0]
    if len(zero):
        page = zero.index[0]
        raise ValueError(f"page {page!r}: median views is 0 over its {int((pages == page).sum())} "
                         "video(s), so views cannot be normalised by it")
    page_median = pages.map(medians).to_numpy(dtype=float)
    return v / page_median, page_median


def popularity_table(videos: FacebookVideos, *, verbose: bool = True) -> pd.DataFrame:
    """The complete rows with ``page_median``, ``ratio`` (views / page median) and ``label``.

    ``label`` is :func:`vira.labels.follower_normalized_binary` with the page median in place of
    followers: 1 where the ratio is strictly above its median over all complete videos.
    """
    table = videos.complete(verbose=verbose)
    ratio, page_median = normalize_by_page(table.views, table.page)
    table["page_median"] = page_median
    table["ratio"] = ratio
    table["label"] = follower_normalized_binary(table.views, page_median)
    return table


def split_indices(labels, seed: int, test_size: float = 0.1,
                  val_size: float = 0.1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A stratified train / validation / test split (80/10/10 by default): three index arrays.

    The test part is drawn first, then the validation part from the rest; both keep the label
    balance. The same labels and seed always give the same split.
    """
    from sklearn.model_selection import train_test_split

    y = np.asarray(labels)
    if not (0 < test_size < 1 and 0 < val_size < 1 and test_size + val_size < 1):
        raise ValueError(f"test_size {test_size} and val_size {val_size} must be in (0, 1) "
                         "with a sum below 1")
    everything = np.arange(len(y))
    rest, test = train_test_split(everything, test_size=test_size, stratify=y, random_state=seed)
    train, val = train_test_split(rest, test_size=val_size / (1 - test_size), stratify=y[rest],
                                  random_state=seed)
    return np.sort(train), np.sort(val), np.sort(test)
