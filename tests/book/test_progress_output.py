"""vira.book.progress_output: progress bars and tqdm's widget warning leave the executed page."""

from vira.book.progress_output import strip_progress, without_progress

WARNING = ("/work/main/.venv/lib/python3.11/site-packages/tqdm/auto.py:21: TqdmWarning: IProgress not found. "
           "Please update jupyter and ipywidgets.\n  from .autonotebook import tqdm as notebook_tqdm\n")


def test_bars_and_the_widget_warning_go_a_real_warning_stays():
    assert without_progress("\rfeatures:   0%|          | 0/350 [00:00<?, ?it/s]") == ""
    assert without_progress("\rlong-range (epochs):  56%|█████▌    | 20/36 [12:27<12:04, 45.25s/it]\n") == ""
    assert without_progress("\rclips: 12it [00:01, 8.31it/s]\rclips: 24it [00:02, 9.10it/s]") == ""
    assert without_progress(WARNING) == ""
    assert without_progress("\x1b[A\n") == "" and without_progress("\x1b[A\rheads: 10%|#| 1/10 [00:01<00:09]") == ""
    real = "/x/y.py:3: UserWarning: the learning rate is large\n"
    assert without_progress("\rmodels: 100%|██████████| 3/3 [00:05<00:00,  1.7s/it]\n" + real) == real


def test_strip_progress_drops_empty_outputs_and_keeps_the_rest():
    nb = {"cells": [
        {"cell_type": "markdown", "source": "50%|x| 1/2 [00:01<00:01]"},
        {"cell_type": "code", "outputs": [
            {"output_type": "stream", "name": "stderr", "text": [WARNING]},
            {"output_type": "stream", "name": "stdout", "text": "5/10 done 50%|#| 5/10 [00:01<00:01]\n"},
            {"output_type": "stream", "name": "stderr", "text": "\rx:  10%|#         | 1/10 [00:00<00:02, 4.1it/s]"},
            {"output_type": "stream", "name": "stderr", "text": "a real warning\n"},
            {"output_type": "display_data", "data": {"text/plain": "1"}, "metadata": {}}]}]}
    assert strip_progress(nb) == 2
    kinds = [(o["output_type"], o.get("name")) for o in nb["cells"][1]["outputs"]]
    assert kinds == [("stream", "stdout"), ("stream", "stderr"), ("display_data", None)]
    assert nb["cells"][1]["outputs"][1]["text"] == "a real warning\n"
