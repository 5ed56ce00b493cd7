"""vira.files: the one wording of "this path is not a readable file" (folder, loop, broken link)."""

import pytest

from vira.files import file_problem, require_file


def test_each_kind_of_non_file_is_named(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("x\n")
    (tmp_path / "folder.csv").mkdir()
    (tmp_path / "loop.csv").symlink_to(tmp_path / "loop.csv")
    (tmp_path / "broken.csv").symlink_to(tmp_path / "nowhere.csv")
    assert file_problem(good) is None and require_file(good) == good
    assert file_problem(tmp_path / "absent.csv") == "no such file"
    with pytest.raises(FileNotFoundError, match=r"absent.csv: no such table"):
        require_file(tmp_path / "absent.csv", "table")
    with pytest.raises(FileNotFoundError, match=r"broken.csv: table is a broken symbolic link"):
        require_file(tmp_path / "broken.csv", "table")
    with pytest.raises(ValueError, match=r"folder.csv: table is a folder, not a file"):
        require_file(tmp_path / "folder.csv", "table")
    with pytest.raises(ValueError, match=r"loop.csv: table is a symbolic link that loops"):
        require_file(tmp_path / "loop.csv", "table")


@pytest.mark.parametrize("text, message", [
    ('[{"a": 1}]', r"j.json: not a valid bench file: it holds a list, not an object"),
    ('{"a": 1, "a": 2}', r"j.json: not a valid bench file: key 'a' appears 2 times in one object"),
    ('{"a": NaN}', r"j.json: not a valid bench file: NaN is not a finite number"),
    ('{"a": ', r"j.json: not a valid bench file: Expecting value"),
])
def test_read_json_object_refuses_what_is_not_one_object(tmp_path, text, message):
    from vira.files import read_json_object

    path = tmp_path / "j.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        read_json_object(path, "bench file", finite=True)
    path.write_text('{"a": {"b": NaN}}', encoding="utf-8")
    assert read_json_object(path)["a"]["b"] != 0  # NaN is kept unless finite
