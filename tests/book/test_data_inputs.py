"""vira.book.data_inputs: what a chapter reads besides code, found in its source and hashed."""

import hashlib

import nbformat

from vira.book import data_inputs


def _chapter(folder, name, code):
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.py").write_text(code)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(code)]
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def test_data_folders_weights_and_results_files(tmp_path):
    root, data = tmp_path / "repo", tmp_path / "data"
    (root / "book" / "results").mkdir(parents=True)
    (data / "tiktok").mkdir(parents=True)
    (data / "tiktok" / "raw.csv").write_text("a,b\n1,2\n")
    weights = tmp_path / "w.pt"
    weights.write_bytes(b"\x00" * 10)
    for name in ("bench_video.json", "bench_rtcn.json", "bench_rtcn_cuda.json", "03_x.json", "05_me.json"):
        (root / "book" / "results" / name).write_text(name)
    chapter = _chapter(tmp_path / "notebooks", "05_me",
                       'folder = data_dir("tiktok")\nw = os.environ.get("VIRA_R2PLUS1D_WEIGHTS")\n'
                       'c = os.environ.get("VIRA_CACHE")\nrows = glob("bench_rtcn*.json")\nr = load_results(d)\n')
    env = {"VIRA_DATA": str(data), "VIRA_R2PLUS1D_WEIGHTS": str(weights)}
    found = data_inputs.inputs(chapter, root=root, environ=env)
    assert sorted(found) == ["VIRA_DATA/tiktok", "VIRA_R2PLUS1D_WEIGHTS", "book/results/03_x.json",
                             "book/results/bench_rtcn.json", "book/results/bench_rtcn_cuda.json"]
    # the folder's digest by hand: its one file's relative path and content hash
    content = hashlib.sha256(b"a,b\n1,2\n").hexdigest()
    by_hand = hashlib.sha256(f"raw.csv\0{content}\0".encode()).hexdigest()
    assert found["VIRA_DATA/tiktok"] == by_hand
    zeros = hashlib.sha256(bytes(10)).hexdigest()
    assert found["VIRA_R2PLUS1D_WEIGHTS"] == f"{weights}: {zeros}"
    # one changed byte in the data, an unset weights variable: both named by changed()
    (data / "tiktok" / "raw.csv").write_text("a,b\n1,3\n")
    again = data_inputs.inputs(chapter, root=root, environ={"VIRA_DATA": str(data)})
    assert again["VIRA_R2PLUS1D_WEIGHTS"] == "unset"
    assert data_inputs.changed(found, again) == ["VIRA_DATA/tiktok", "VIRA_R2PLUS1D_WEIGHTS"]
    assert data_inputs.changed(found, again, skip_data=True) == ["VIRA_R2PLUS1D_WEIGHTS"]


def test_without_data_a_folder_is_absent_and_a_computed_name_means_all_of_it(tmp_path):
    root = tmp_path / "repo"
    (root / "book" / "results").mkdir(parents=True)
    chapter = _chapter(tmp_path / "notebooks", "07_c", 'for name in NAMES:\n    path = data_dir(name)\n'
                       'benches = load_benches(results)\n')
    assert data_inputs.inputs(chapter, root=root, environ={}) == {"VIRA_DATA": "absent"}
    data = tmp_path / "data"
    (data / "a").mkdir(parents=True)
    (data / "a" / "f").write_text("x")
    (root / "book" / "results" / "bench_video.json").write_text("{}")
    found = data_inputs.inputs(chapter, root=root, environ={"VIRA_DATA": str(data)})
    assert found["VIRA_DATA"] != "absent" and list(found) == ["VIRA_DATA", "book/results/bench_video.json"]


def test_a_chapter_that_reads_nothing_has_no_inputs(tmp_path):
    chapter = _chapter(tmp_path / "notebooks", "00_pi", "import torch\nx = torch.rand(3)\n# a comment on VIRA_DATA\n")
    assert data_inputs.inputs(chapter, root=tmp_path, environ={"VIRA_DATA": str(tmp_path)}) == {}


def test_a_chapter_reads_other_chapters_when_it_loads_their_results_or_pages(tmp_path):
    folder = tmp_path / "notebooks"
    assert data_inputs.reads_other_chapters(_chapter(folder, "09_r", "records = load_results(ROOT)\n"))
    assert data_inputs.reads_other_chapters(_chapter(folder, "10_p", "t = report.chapter_times(BOOK)\n"))
    assert not data_inputs.reads_other_chapters(_chapter(folder, "02_p", "x = load_benches('bench_rtcn.json')\n"))
    assert not data_inputs.reads_other_chapters(_chapter(folder, "03_q", "loaded_results = 1\n"))
