"""Headline text for the popularity models: tokens, a vocabulary, and a bag-of-words baseline.

Pay Attention to Virality (Bielski and Trzcinski 2018, §2-3) reads a Facebook video's headline
as a sequence of pre-trained GloVe word vectors, runs a bidirectional LSTM over it and pools the
hidden states with a two-layer soft attention; the attention weights say which words mattered.

What we do differently, and why:

* Our real headlines are Vietnamese TikTok captions and hashtags (:func:`vira.data.real.tiktok.caption_table`),
  not English Facebook headlines, and no pre-trained word vectors or Vietnamese word segmenter are
  available offline. Vietnamese writes a word as space-separated syllables ("sức khỏe" = health),
  so :func:`tokenize` works at **syllable level**; the models learn their embeddings from scratch
  over a :class:`Vocabulary` built on the training split.
* :func:`bow_logistic_baseline` (bag of tokens + logistic regression) is the floor any sequence
  model must clear: if the biLSTM with attention does not beat it, word order and attention are
  not what carries the signal.

Used by chapter 8 (``08_attention``).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np
import torch

PAD, UNK = "<pad>", "<unk>"

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
#: Characters dropped without splitting: variation selectors, skin-tone modifiers, the keycap mark.
_IGNORED = {"\ufe0e", "\ufe0f", "\u20e3", *map(chr, range(0x1F3FB, 0x1F400))}
_ZWJ = "\u200d"


def _is_regional(ch: str) -> bool:
    return 0x1F1E6 <= ord(ch) <= 0x1F1FF


def tokenize(text: str) -> list[str]:
    """Split a caption into lower-case syllables, hashtags and emoji, in order.

    1. Unicode NFC (so a decomposed ``e`` + combining circumflex + acute becomes the one letter
       ``ế``), then lower case; URLs (``http://...``, ``https://...``, ``www....``) are removed.
    2. A token is a run of letters (any script, with their diacritics), digits and ``_``;
       whitespace, punctuation and other symbols split tokens and are dropped.
    3. ``#`` directly before a run starts a hashtag token that keeps its ``#`` (``#xuhuong``), so a
       hashtag and the same caption word are different tokens; a lone ``#`` is dropped.
    4. Each emoji or other pictographic symbol (Unicode category So) is a token of its own.
       Skin-tone modifiers and variation selectors are dropped (``🤷🏻`` -> ``🤷``); emoji joined by
       a zero-width joiner stay one token; a pair of regional indicators (a flag) is one token.

    Vietnamese words are several space-separated syllables; with no word segmenter available
    offline, the tokens are syllables (``"Sức khỏe"`` -> ``["sức", "khỏe"]``). Scripts written
    without spaces (Chinese, Japanese) come out as one token per unbroken run.
    """
    if not isinstance(text, str):
        raise TypeError(f"tokenize expects a str, got {type(text).__name__}: {text!r}")
    text = unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).lower())
    text = _URL.sub(" ", text)
    tokens: list[str] = []
    word: list[str] = []
    after_emoji = False  # the last kept character was part of an emoji token
    joining = False  # a zero-width joiner follows that emoji

    def flush() -> None:
        if any(c.isalnum() for c in word):
            tokens.append("".join(word))
        word.clear()

    for ch in text:
        if ch in _IGNORED:
            continue
        if ch == _ZWJ:
            joining = after_emoji
            continue
        cat = unicodedata.category(ch)
        if cat[0] == "L" or cat == "Nd" or ch == "_" or (cat[0] == "M" and word):
            word.append(ch)
            after_emoji = joining = False
        elif ch == "#":
            flush()
            word.append("#")
            after_emoji = joining = False
        elif cat == "So":
            flush()
            last = tokens[-1] if tokens and after_emoji else ""
            if joining:
                tokens[-1] = last + _ZWJ + ch
            elif _is_regional(ch) and len(last) == 1 and _is_regional(last):
                tokens[-1] = last + ch
            else:
                tokens.append(ch)
            after_emoji, joining = True, False
        elif cat[0] == "M":
            continue  # a combining mark with nothing to combine with
        else:
            flush()
            after_emoji = joining = False
    flush()
    return tokens


@dataclass
class Vocabulary:
    """Token <-> index. Index 0 is :data:`PAD` (padding), 1 is :data:`UNK` (any other token).

    ``itos`` lists the tokens by index; ``counts`` gives the training count of every kept token.
    Build it with :meth:`build` on the training split only, so that validation and test tokens
    unseen in training map to ``<unk>``.
    """

    itos: tuple[str, ...]
    counts: dict[str, int]
    stoi: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.itos[:2] != (PAD, UNK):
            raise ValueError(f"a vocabulary starts with {PAD!r}, {UNK!r}; got {self.itos[:2]!r}")
        if len(set(self.itos)) != len(self.itos):
            raise ValueError("a vocabulary lists each token once")
        self.stoi = {tok: i for i, tok in enumerate(self.itos)}

    @classmethod
    def build(cls, token_lists: Iterable[Sequence[str]], min_count: int = 2,
              max_size: int | None = None) -> "Vocabulary":
        """Keep tokens seen at least ``min_count`` times, most frequent first (ties: by token).

        ``max_size`` caps the number of kept tokens, not counting ``<pad>`` and ``<unk>``
        (``len(vocab) <= max_size + 2``). The order is deterministic, so the same texts always
        give the same indices.
        """
        if min_count < 1:
            raise ValueError(f"min_count must be at least 1, got {min_count}")
        if max_size is not None and max_size < 0:
            raise ValueError(f"max_size must be non-negative, got {max_size}")
        counter: Counter[str] = Counter()
        for row, tokens in enumerate(token_lists):
            if isinstance(tokens, str):
                raise TypeError(f"row {row}: expected a list of tokens, got the string {tokens!r}")
            counter.update(t for t in tokens if t not in (PAD, UNK))
        kept = sorted((item for item in counter.items() if item[1] >= min_count),
                      key=lambda item: (-item[1], item[0]))
        if max_size is not None:
            kept = kept[:max_size]
        return cls((PAD, UNK, *(t for t, _ in kept)), dict(kept))

    def __len__(self) -> int:
        return len(self.itos)

    def index(self, token: str) -> int:
        """The index of ``token``, 1 (``<unk>``) if it is not in the vocabulary."""
        return self.stoi.get(token, 1)

    def encode(self, token_lists: Sequence[Sequence[str]],
               max_len: int) -> tuple[torch.Tensor, torch.Tensor]:
        """Indices (N, max_len) int64, padded with 0, and lengths (N,) int64 (1 <= length <= max_len).

        A text longer than ``max_len`` keeps its first ``max_len`` tokens. A text with no tokens
        raises ``ValueError`` naming its row: leave empty texts out before, and count them.
        """
        if max_len < 1:
            raise ValueError(f"max_len must be at least 1, got {max_len}")
        ids = torch.zeros((len(token_lists), max_len), dtype=torch.long)
        lengths = torch.zeros(len(token_lists), dtype=torch.long)
        for row, tokens in enumerate(token_lists):
            if isinstance(tokens, str):
                raise TypeError(f"row {row}: expected a list of tokens, got the string {tokens!r}")
            if len(tokens) == 0:
                raise ValueError(f"row {row}: the text has no tokens; leave empty texts out "
                                 "(and count them) before encoding")
            kept = [self.index(t) for t in tokens[:max_len]]
            ids[row, :len(kept)] = torch.tensor(kept, dtype=torch.long)
            lengths[row] = len(kept)
        return ids, lengths


def bow_logistic_baseline(train_texts: Sequence[str], train_y, test_texts: Sequence[str],
                          seed: int = 0, min_df: int = 2):
    """Bag of tokens + logistic regression: P(popular) for each test text, shape (N_test,).

    scikit-learn ``CountVectorizer(analyzer=tokenize, min_df=min_df)`` (token counts, tokens in at
    least ``min_df`` training texts) followed by ``LogisticRegression(C=1.0, solver="liblinear",
    random_state=seed)``. Deterministic. Returns ``(probabilities, fitted_pipeline)``; the
    pipeline's ``named_steps["counts"].vocabulary_`` and ``named_steps["logreg"].coef_`` show which
    tokens push towards popular.
    """
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    y = np.asarray(train_y)
    if len(y) != len(train_texts):
        raise ValueError(f"{len(train_texts)} training texts but {len(y)} labels")
    if set(np.unique(y).tolist()) != {0, 1}:
        raise ValueError(f"train_y must hold both labels 0 and 1, got {sorted(set(y.tolist()))}")
    pipeline = Pipeline([
        ("counts", CountVectorizer(analyzer=tokenize, min_df=min_df)),
        ("logreg", LogisticRegression(C=1.0, solver="liblinear", max_iter=1000,
                                      random_state=seed)),
    ])
    pipeline.fit(list(train_texts), y)
    return pipeline.predict_proba(list(test_texts))[:, 1], pipeline


#: The largest absolute number a word vector may hold (GloVe's lie within about +-5); a larger
#: one means a broken file.
GLOVE_LIMIT = 1e3
#: One number of a vector as GloVe writes it: ASCII digits, a point, an exponent. Python's float()
#: would also take ``1_0``, ``nan``, ``infinity`` and digits of other scripts.
_GLOVE_NUMBER = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_GLOVE_NUMBERS = re.compile(rf"{_GLOVE_NUMBER.pattern}(?: {_GLOVE_NUMBER.pattern})*")


def _glove_lines(path):
    """``(line number, word, numbers as text)`` of every non-blank line of a GloVe file; a line
    that is not UTF-8, has no word or has no numbers, a word with an invisible format character
    (Unicode category Cf: a byte order mark inside the file, a zero-width space; the zero-width
    joiner inside emoji is allowed, as :func:`tokenize` keeps it) and a last line without a
    newline (a file cut short) raise ValueError naming the file and line. A UTF-8 byte order mark
    before the first word is dropped; words are NFC-normalised, as :func:`tokenize` normalises
    text."""
    with path.open("rb") as f:
        for n, data in enumerate(f, 1):
            try:
                line = data.decode("utf-8-sig" if n == 1 else "utf-8").rstrip("\r\n")
            except UnicodeDecodeError as err:
                raise ValueError(f"{path}, line {n}: not UTF-8 ({err.reason} at byte {err.start} "
                                 "of the line); GloVe files are UTF-8") from None
            if not line.strip():
                continue
            word, *numbers = line.split(" ")
            if not word:
                raise ValueError(f"{path}, line {n}: no word before the numbers")
            if not numbers:
                raise ValueError(f"{path}, line {n}: {word!r} has no numbers")
            hidden = next((c for c in word if c != _ZWJ and unicodedata.category(c) == "Cf"), None)
            if hidden is not None:
                raise ValueError(f"{path}, line {n}: {word!r} holds the invisible character "
                                 f"U+{ord(hidden):04X} ({unicodedata.name(hidden, 'format')}); "
                                 "no token has one")
            if not data.endswith(b"\n"):
                raise ValueError(f"{path}, line {n}: the last line has no newline (a file cut "
                                 "short?); GloVe files end every line with one")
            yield n, unicodedata.normalize("NFC", word), numbers


def _glove_vector(numbers: list[str], word: str, where: str) -> np.ndarray:
    """The numbers of one line as float32 (d,); ValueError (``where`` = file and line) naming the
    first number (its position and text) that is not written as :data:`_GLOVE_NUMBER` (text,
    an empty field from two spaces or a trailing space, NaN, inf, ``1_0``) or lies beyond
    :data:`GLOVE_LIMIT`."""
    if not _GLOVE_NUMBERS.fullmatch(" ".join(numbers)):
        k = next(k for k, x in enumerate(numbers) if not _GLOVE_NUMBER.fullmatch(x))
        text = numbers[k]
        if text.strip().lower().lstrip("+-") in ("nan", "inf", "infinity"):
            raise ValueError(f"{where}: {word!r} has a non-finite number ({float(text)}, number {k + 1})")
        raise ValueError(f"{where}: not a vector of numbers ({word!r}: number {k + 1} is {text!r}"
                         + (": two spaces, or a space at the end of the line?)" if not text else ")"))
    v = np.asarray(numbers, dtype=np.float64)
    bad = np.flatnonzero(np.abs(v) > GLOVE_LIMIT)
    if len(bad):
        k = bad[0]
        raise ValueError(f"{where}: {word!r} has {v[k]:g} (number {k + 1}), beyond +-{GLOVE_LIMIT:g}")
    return v.astype(np.float32)


def load_glove(path, vocab: Vocabulary, seed: int = 0) -> tuple[torch.Tensor, float]:
    """Word vectors for ``vocab`` from a local GloVe text file (one ``word v1 ... vd`` per line,
    UTF-8), as the paper used (frozen, in its headline models). Returns ``(vectors (len(vocab), d),
    share of the vocabulary found)``: ``<pad>`` is zero, a token the file lacks gets a seeded
    N(0, 0.1^2) vector. Blank lines are skipped; every other line is checked, and a line that is
    not UTF-8, has another width than the first, a word without numbers, text, NaN, inf or a
    number beyond :data:`GLOVE_LIMIT`, repeats an earlier line's word (compared in NFC, as
    tokens are), gives a vector for ``<pad>`` (which stays zero), has a word with an invisible
    format character or is the last line and lacks its newline (see :func:`_glove_lines`) raises
    ``ValueError`` naming the file and line. A folder or a looping link in
    place of the file raises ``ValueError``, a missing file ``FileNotFoundError``."""
    from pathlib import Path

    from vira.files import require_file

    path = require_file(path, "GloVe file")
    found: dict[str, np.ndarray] = {}
    first_line: dict[str, int] = {}
    dim = None
    for n, word, numbers in _glove_lines(path):
        dim = dim or len(numbers)
        if len(numbers) != dim:
            header = (" (is line 1 a word2vec header, a count and a width? GloVe's text format has none: "
                      "drop that line)") if dim == 1 and n == 2 else ""
            raise ValueError(f"{path}, line {n}: {len(numbers)} numbers, the first line had {dim}{header}")
        if word in first_line:
            raise ValueError(f"{path}, line {n}: {word!r} is repeated (first on line "
                             f"{first_line[word]})")
        first_line[word] = n
        if word == PAD:
            raise ValueError(f"{path}, line {n}: a vector for {PAD!r}, the padding token, which "
                             "stays zero")
        vector = _glove_vector(numbers, word, f"{path}, line {n}")
        if word in vocab.stoi:
            found[word] = vector
    if dim is None:
        raise ValueError(f"{path}: no vectors in the file")
    rng = np.random.default_rng(seed)
    vectors = rng.normal(0, 0.1, (len(vocab), dim)).astype(np.float32)
    vectors[0] = 0.0
    for token, v in found.items():
        vectors[vocab.stoi[token]] = v
    return torch.from_numpy(vectors), len(found) / max(len(vocab) - 2, 1)
