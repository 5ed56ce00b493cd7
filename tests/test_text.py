"""vira.text: the tokenizer, the vocabulary and the bag-of-words baseline, against hand-worked values."""

import unicodedata

import numpy as np
import pytest
import torch

from vira.text import PAD, UNK, Vocabulary, bow_logistic_baseline, tokenize


@pytest.mark.parametrize("text, tokens", [
    # Vietnamese syllables keep their diacritics; upper case is lowered ('Đ' -> 'đ')
    ("Sức Khỏe là Vàng", ["sức", "khỏe", "là", "vàng"]),
    ("Đơn giản dễ làm lắm đó quý vị ơi..", ["đơn", "giản", "dễ", "làm", "lắm", "đó", "quý", "vị", "ơi"]),
    # punctuation splits and is dropped; digits stay
    ("Review phim Tẩu thoát 2024 - Phần 1!", ["review", "phim", "tẩu", "thoát", "2024", "phần", "1"]),
    ("“Nhường anh,cho yêu thương”:))", ["nhường", "anh", "cho", "yêu", "thương"]),
    # hashtags keep '#', so '#xuhuong' and 'xuhuong' differ; a lone '#' is dropped
    ("xuhuong #XuHuong # fyp#viral", ["xuhuong", "#xuhuong", "fyp", "#viral"]),
    ("#lan_nicki ##abc #", ["#lan_nicki", "#abc"]),
    # each emoji is one token, skin tones dropped, a word glued to an emoji is split from it
    ("Giấc mơ của chung 🤷🏻🦢", ["giấc", "mơ", "của", "chung", "🤷", "🦢"]),
    ("Mỹ phẩm 🥲🥲", ["mỹ", "phẩm", "🥲", "🥲"]),
    ("#hungmusic💫 qua👊🏻", ["#hungmusic", "💫", "qua", "👊"]),
    ("nhà 👨\u200d👩\u200d👧 🇻🇳", ["nhà", "👨\u200d👩\u200d👧", "🇻🇳"]),
    # URLs are removed
    ("xem https://vt.tiktok.com/ZS/?x=1 ngay www.abc.vn/p", ["xem", "ngay"]),
    ("", []), ("  .. !! -- ", []), ("🗿", ["🗿"]),
])
def test_tokenize_by_hand(text, tokens):
    assert tokenize(text) == tokens


def test_tokenize_normalises_decomposed_vietnamese():
    decomposed = unicodedata.normalize("NFD", "Khỏe Ế")
    assert decomposed != "Khỏe Ế" and len(decomposed) > len("Khỏe Ế")
    assert tokenize(decomposed) == ["khỏe", "ế"]
    assert all(unicodedata.is_normalized("NFC", t) for t in tokenize(decomposed))


def test_tokenize_refuses_non_strings():
    with pytest.raises(TypeError, match="expects a str"):
        tokenize(None)


def test_vocabulary_counts_and_order_by_hand():
    texts = [["b", "a", "c"], ["a", "b", "d"], ["a", "e", "e"], ["b"]]
    # counts: a 3, b 3, e 2, c 1, d 1 -> min_count 2 keeps a, b (tie: alphabetical), e
    vocab = Vocabulary.build(texts)
    assert vocab.itos == (PAD, UNK, "a", "b", "e")
    assert vocab.counts == {"a": 3, "b": 3, "e": 2}
    assert len(vocab) == 5 and vocab.index("e") == 4 and vocab.index("zzz") == 1
    assert Vocabulary.build(texts, min_count=1).itos == (PAD, UNK, "a", "b", "e", "c", "d")
    assert Vocabulary.build(texts, min_count=1, max_size=2).itos == (PAD, UNK, "a", "b")
    # the same texts in another order give the same vocabulary
    assert Vocabulary.build(texts[::-1]).itos == vocab.itos


def test_vocabulary_refuses_bad_input():
    with pytest.raises(TypeError, match="row 1: expected a list of tokens"):
        Vocabulary.build([["a"], "ab"])
    with pytest.raises(ValueError, match="min_count"):
        Vocabulary.build([["a"]], min_count=0)
    with pytest.raises(ValueError, match="starts with"):
        Vocabulary(("a", "b"), {})


def test_encode_pads_truncates_and_counts_lengths():
    vocab = Vocabulary.build([["a", "b"], ["a", "b", "c"], ["c"]])  # a b c: 2 each -> 2, 3, 4
    assert vocab.itos == (PAD, UNK, "a", "b", "c")
    ids, lengths = vocab.encode([["a"], ["c", "x", "b", "a", "c"], ["b", "b", "b"]], max_len=3)
    assert ids.dtype == torch.long and lengths.dtype == torch.long
    assert ids.tolist() == [[2, 0, 0], [4, 1, 3], [3, 3, 3]]  # x -> <unk>; first 3 tokens kept
    assert lengths.tolist() == [1, 3, 3]


def test_encode_names_the_empty_row():
    vocab = Vocabulary.build([["a", "a"]])
    with pytest.raises(ValueError, match=r"row 2: the text has no tokens"):
        vocab.encode([["a"], ["a", "b"], [], ["a"]], max_len=4)
    with pytest.raises(ValueError, match="max_len"):
        vocab.encode([["a"]], max_len=0)


def test_bow_baseline_learns_a_separable_toy_set():
    good = ["xem ngay #viral 🔥", "hay quá #viral", "#viral đỉnh 🔥", "đỉnh quá 🔥 #viral"] * 5
    bad = ["chán lắm #buon", "#buon không hay", "buồn ghê #buon", "chán #buon thôi"] * 5
    texts, y = good + bad, [1] * len(good) + [0] * len(bad)
    proba, pipeline = bow_logistic_baseline(texts, y, ["#viral 🔥", "#buon chán", "chưa thấy bao giờ"])
    assert proba.shape == (3,)
    assert proba[0] > 0.7 and proba[1] < 0.3  # the planted tokens decide
    train_proba, _ = bow_logistic_baseline(texts, y, texts)
    assert np.mean((train_proba > 0.5) == np.array(y)) == 1.0
    assert "#viral" in pipeline.named_steps["counts"].vocabulary_
    assert "viral" not in pipeline.named_steps["counts"].vocabulary_  # hashtags stay hashtags
    again, _ = bow_logistic_baseline(texts, y, ["#viral 🔥", "#buon chán", "chưa thấy bao giờ"])
    np.testing.assert_array_equal(proba, again)  # deterministic


def test_bow_baseline_refuses_bad_labels():
    with pytest.raises(ValueError, match="both labels"):
        bow_logistic_baseline(["a b", "a c"], [1, 1], ["a"])
    with pytest.raises(ValueError, match="2 training texts but 3 labels"):
        bow_logistic_baseline(["a b", "a c"], [1, 0, 1], ["a"])


def test_load_glove_by_hand(tmp_path):
    from vira.text import load_glove

    vocab = Vocabulary.build([["cat", "dog", "cat", "dog", "emu", "emu"]], min_count=1)
    f = tmp_path / "glove.txt"
    f.write_text("cat 1 2 3\nzebra 0 0 0\ndog -1 0.5 2\n", encoding="utf-8")
    vectors, share = load_glove(f, vocab)
    assert vectors.shape == (len(vocab), 3) and share == pytest.approx(2 / 3)
    assert vectors[vocab.index("cat")].tolist() == [1, 2, 3] and vectors[0].abs().sum() == 0
    assert vectors[vocab.index("dog")].tolist() == [-1, 0.5, 2]
    bad = tmp_path / "bad.txt"
    bad.write_text("cat 1 2 3\ndog 1 2\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad.txt, line 2"):
        load_glove(bad, vocab)


@pytest.mark.parametrize("content, message", [
    ("cat 1 2 3\ncafé 1 2 3\n".encode("latin-1"), r"g.txt, line 2: not UTF-8"),
    (b"cat 1 2 3\ndog nan 0 1\n", r"g.txt, line 2: 'dog' has a non-finite number \(nan, number 1\)"),
    (b"zebra 1 inf 3\n", r"g.txt, line 1: 'zebra' has a non-finite number \(inf, number 2\)"),
    (b"cat 1 2 1e30\n", r"g.txt, line 1: 'cat' has 1e\+30 \(number 3\), beyond \+-1000"),
    (b"cat 1 2 3\ndog 1 2 3\ncat 4 5 6\n", r"g.txt, line 3: 'cat' is repeated \(first on line 1\)"),
    (b"cat 1 2 3\ndog\n", r"g.txt, line 2: 'dog' has no numbers"),
    (b"cat 1 2 3\n 1 2 3\n", r"g.txt, line 2: no word before the numbers"),
    (b"cat 1 2 x\n", r"g.txt, line 1: not a vector of numbers \('cat': number 3 is 'x'\)"),
    (b"cat 1_0 2 3\n", r"g.txt, line 1: not a vector of numbers \('cat': number 1 is '1_0'\)"),
    ("cat \u0661 2 3\n".encode(), r"g.txt, line 1: not a vector of numbers \('cat': number 1 is '\u0661'\)"),
    (b"cat 1  2\n", r"number 2 is '': two spaces, or a space at the end of the line\?"),
    (b"cat 1 2 3 \n", r"number 4 is '': two spaces, or a space at the end of the line\?"),
    (b"cat 1 2 1e39\n", r"g.txt, line 1: 'cat' has 1e\+39 \(number 3\), beyond \+-1000"),  # inf as float32
    ("caf\u00e9 1 2 3\ncafe\u0301 1 2 3\n".encode(), r"g.txt, line 2: 'café' is repeated \(first on line 1\)"),
    (b"\n\n", r"g.txt: no vectors in the file"),
    (b"2 3\ncat 1 2 3\ndog 1 2 3\n", r"g.txt, line 2: 3 numbers, the first line had 1 \(is line 1 a word2vec header"),
    (b"cat 1 2 3\n<pad> 9 9 9\n", r"g.txt, line 2: a vector for '<pad>', the padding token, which stays zero"),
    ("cat 1 2 3\n\ufeffdog 4 5 6\n".encode(), r"g.txt, line 2: '\\ufeffdog' holds the invisible character U\+FEFF"),
    ("cat 1 2 3\ndog\u200b 4 5 6\n".encode(), r"g.txt, line 2: 'dog\\u200b' holds the invisible character U\+200B"),
    (b"cat 1 2 3\ndog 0.25 0.5 0.1", r"g.txt, line 2: the last line has no newline"),
])
def test_load_glove_refuses_a_bad_file_naming_it_and_the_line(tmp_path, content, message):
    from vira.text import load_glove

    vocab = Vocabulary.build([["cat", "dog"]], min_count=1)
    path = tmp_path / "g.txt"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=message):
        load_glove(path, vocab)


def test_load_glove_skips_blank_lines_and_reads_crlf(tmp_path):
    from vira.text import GLOVE_LIMIT, load_glove

    vocab = Vocabulary.build([["cat"]], min_count=1)
    path = tmp_path / "g.txt"
    path.write_bytes(f"\r\ncat 1 -2 {GLOVE_LIMIT:g}\r\n\r\ndog 0 0 0\r\n".encode())
    vectors, share = load_glove(path, vocab)
    assert vectors[vocab.index("cat")].tolist() == [1, -2, GLOVE_LIMIT] and share == 1.0


def test_load_glove_drops_a_bom_and_matches_words_in_nfc(tmp_path):
    from vira.text import load_glove

    vocab = Vocabulary.build([["cat", "café"]], min_count=1)
    path = tmp_path / "g.txt"
    path.write_bytes("\ufeffcat 1 2\ncafe\u0301 3 4\n".encode())  # a BOM; a decomposed é
    vectors, share = load_glove(path, vocab)
    assert vectors[vocab.index("cat")].tolist() == [1, 2] and share == 1.0
    assert vectors[vocab.index("café")].tolist() == [3, 4]


def test_load_glove_names_a_folder_a_looping_link_and_a_missing_file(tmp_path, refuses_folder_and_loop):
    from vira.text import load_glove

    vocab = Vocabulary.build([["cat"]], min_count=1)
    refuses_folder_and_loop(lambda path: load_glove(path, vocab), ".txt", "GloVe file")
    with pytest.raises(FileNotFoundError, match=r"absent.txt: no such GloVe file"):
        load_glove(tmp_path / "absent.txt", vocab)


def test_load_glove_keeps_the_zero_width_joiner_of_emoji(tmp_path):
    from vira.text import load_glove

    family = tokenize("👨\u200d👩\u200d👧")[0]
    vocab = Vocabulary.build([[family]], min_count=1)
    path = tmp_path / "g.txt"
    path.write_bytes(f"{family} 1 2\n".encode())
    vectors, share = load_glove(path, vocab)
    assert vectors[vocab.index(family)].tolist() == [1, 2] and share == 1.0
