"""vira.data.synthetic.render: rendered dancers with planted face, scene and cue."""

import numpy as np
import pytest
import torch

from vira.data.synthetic.render import CUE_COLOUR, render_frames
from vira.skeleton import JOINTS


def standing(T=4):
    """A still figure in torso units (y up): thorax at 0, head above, ankles 2.8 below."""
    pose = np.zeros((len(JOINTS), 2))
    at = {"head_top": (0, 0.7), "upper_neck": (0, 0.25), "thorax": (0, 0), "pelvis": (0, -1),
          "r_hip": (-0.2, -1), "l_hip": (0.2, -1), "r_knee": (-0.2, -1.9), "l_knee": (0.2, -1.9),
          "r_ankle": (-0.2, -2.8), "l_ankle": (0.2, -2.8), "r_shoulder": (-0.35, 0),
          "l_shoulder": (0.35, 0), "r_elbow": (-0.5, -0.6), "l_elbow": (0.5, -0.6),
          "r_wrist": (-0.55, -1.1), "l_wrist": (0.55, -1.1)}
    for name, xy in at.items():
        pose[JOINTS.index(name)] = xy
    return np.repeat(pose[None], T, 0)


def test_shape_dtype_and_determinism():
    a = render_frames(standing(), 0.0, 0.0, size=64)
    assert a.shape == (4, 64, 64, 3) and a.dtype == torch.uint8
    assert torch.equal(a, render_frames(standing(), 0.0, 0.0, size=64))
    with pytest.raises(ValueError, match="joints must have shape"):
        render_frames(np.zeros((4, 3, 2)), 0.0, 0.0)


def test_the_cue_is_drawn_in_its_box_and_frames_only():
    frames = render_frames(standing(), 0.0, 0.0, size=100, cue_box=(0.1, 0.1, 0.2, 0.2), cue_frames=[1, 3])
    magenta = torch.tensor([round(255 * c) for c in CUE_COLOUR], dtype=torch.uint8)
    is_cue = (frames == magenta).all(-1)  # (T, H, W)
    assert is_cue[1, 10:20, 10:20].all() and is_cue[3, 10:20, 10:20].all()
    assert is_cue[1].sum() == 100 and not is_cue[0].any() and not is_cue[2].any()


def test_face_and_scene_latents_change_only_their_regions():
    base = render_frames(standing(1), 0.0, 0.0, size=112)[0].float()
    face = render_frames(standing(1), 2.0, 0.0, size=112)[0].float()
    scene = render_frames(standing(1), 0.0, 2.0, size=112)[0].float()
    changed_face = (face - base).abs().sum(-1) > 0
    changed_scene = (scene - base).abs().sum(-1) > 0
    # the face is a small disc near the head (x centre, upper third); the scene is everywhere else
    ys, xs = np.nonzero(changed_face.numpy())
    assert 0 < changed_face.float().mean() < 0.05
    assert abs(xs.mean() - 56) < 3 and ys.mean() < 40
    assert changed_scene.float().mean() > 0.6 and not (changed_face & changed_scene).all()
    # a warmer face: more red than blue
    assert face[ys, xs, 0].mean() - face[ys, xs, 2].mean() > base[ys, xs, 0].mean() - base[ys, xs, 2].mean()
