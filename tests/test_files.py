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
