"""The MPII skeleton of vira.skeleton: joint order, tree, hop distances, parts, COCO conversion."""

from collections import deque

import numpy as np
import pytest

from vira import skeleton as sk

MPII_ORDER = ("r_ankle", "r_knee", "r_hip", "l_hip", "l_knee", "l_ankle", "pelvis", "thorax",
              "upper_neck", "head_top", "r_wrist", "r_elbow", "r_shoulder", "l_shoulder",
              "l_elbow", "l_wrist")


def test_joint_order():
    assert sk.JOINTS == MPII_ORDER
    assert sk.V == 16
    assert sk.CENTER == 7 == sk.JOINTS.index("thorax")
    assert sk.COCO17[:5] == ("nose", "l_eye", "r_eye", "l_ear", "r_ear")
    assert sk.COCO17[-2:] == ("l_ankle", "r_ankle") and len(sk.COCO17) == 17


def test_bones_form_a_tree_rooted_at_thorax():
    # An independent BFS over the undirected edges: a connected graph on V nodes with V - 1
    # edges is a tree; parents must be one hop closer to the thorax than their children.
    assert len(sk.BONES) == sk.V - 1
    assert len({frozenset(b) for b in sk.BONES}) == sk.V - 1
    adj = {j: set() for j in range(sk.V)}
    for a, b in sk.BONES:
        adj[a].add(b)
        adj[b].add(a)
    depth = {sk.CENTER: 0}
    queue = deque([sk.CENTER])
    while queue:
        j = queue.popleft()
        for k in adj[j] - depth.keys():
            depth[k] = depth[j] + 1
            queue.append(k)
    assert len(depth) == sk.V
    for parent, child in sk.BONES:
        assert depth[parent] == depth[child] - 1
    assert sk.PARENT[sk.CENTER] == -1
    assert sorted((p, c) for c, p in enumerate(sk.PARENT) if p >= 0) == sorted(sk.BONES)


def test_named_bones():
    named = {(sk.JOINTS[p], sk.JOINTS[c]) for p, c in sk.BONES}
    for side in "rl":
        assert {("thorax", f"{side}_shoulder"), (f"{side}_shoulder", f"{side}_elbow"),
                (f"{side}_elbow", f"{side}_wrist"), ("pelvis", f"{side}_hip"),
                (f"{side}_hip", f"{side}_knee"), (f"{side}_knee", f"{side}_ankle")} <= named
    assert {("thorax", "upper_neck"), ("upper_neck", "head_top"), ("thorax", "pelvis")} <= named


def test_hop_distances_by_hand():
    expected = {"thorax": 0, "upper_neck": 1, "r_shoulder": 1, "r_elbow": 2, "r_wrist": 3,
                "pelvis": 1, "r_hip": 2, "r_knee": 3, "r_ankle": 4, "head_top": 2,
                "l_wrist": 3, "l_ankle": 4}
    for name, hops in expected.items():
        assert sk.HOPS[sk.JOINTS.index(name)] == hops, name
    assert sk.HOPS.shape == (16,)
    # The function itself: a path 0-1-2 plus an isolated node.
    assert sk.hop_distance(4, [(0, 1), (1, 2)], root=0).tolist() == [0, 1, 2, -1]


def test_body_parts_partition():
    assert set(sk.BODY_PARTS) == {"head", "upper", "lower"}
    joints = [j for part in sk.BODY_PARTS.values() for j in part]
    assert sorted(joints) == list(range(sk.V))
    names = {k: {sk.JOINTS[j] for j in v} for k, v in sk.BODY_PARTS.items()}
    assert names["head"] == {"thorax", "upper_neck", "head_top"}
    assert "r_wrist" in names["upper"] and "l_ankle" in names["lower"]
    assert "pelvis" in names["lower"]


def _coco_pose() -> np.ndarray:
    """A hand-made upright pose: thorax at (0, 0), y down, confidence 0.9 - 0.01 * index."""
    xy = {"nose": (0, -45), "l_eye": (4, -48), "r_eye": (-4, -48), "l_ear": (8, -40),
          "r_ear": (-8, -40), "l_shoulder": (20, 0), "r_shoulder": (-20, 0),
          "l_elbow": (25, 30), "r_elbow": (-25, 30), "l_wrist": (28, 60), "r_wrist": (-28, 60),
          "l_hip": (10, 100), "r_hip": (-10, 100), "l_knee": (12, 150), "r_knee": (-12, 150),
          "l_ankle": (12, 200), "r_ankle": (-12, 200)}
    return np.array([[*xy[n], 0.9 - 0.01 * i] for i, n in enumerate(sk.COCO17)])


def test_coco_to_mpii_by_hand():
    coco = _coco_pose()
    before = coco.copy()
    mpii = sk.coco_to_mpii(coco)
    assert mpii.shape == (16, 3) and mpii.dtype == coco.dtype
    np.testing.assert_array_equal(coco, before)  # the input is not modified
    conf = {n: 0.9 - 0.01 * i for i, n in enumerate(sk.COCO17)}
    get = {n: mpii[sk.JOINTS.index(n)] for n in sk.JOINTS}
    # Direct joints are copied, confidence included.
    for n in ("r_ankle", "l_knee", "r_hip", "l_wrist", "r_elbow", "l_shoulder"):
        np.testing.assert_array_equal(get[n], coco[sk.COCO17.index(n)])
    # Midpoints, with the minimum confidence of the two sources.
    np.testing.assert_array_equal(get["pelvis"], [0, 100, conf["r_hip"]])
    np.testing.assert_array_equal(get["thorax"], [0, 0, conf["r_shoulder"]])
    # Ear midpoint (0, -40): upper neck halfway up, head top 1.75 times as far from the thorax.
    head_conf = min(conf["l_shoulder"], conf["r_shoulder"], conf["l_ear"], conf["r_ear"])
    np.testing.assert_allclose(get["upper_neck"], [0, -20, head_conf])
    np.testing.assert_allclose(get["head_top"], [0, -70, head_conf])


def test_coco_to_mpii_missing_source():
    coco = _coco_pose()
    coco[sk.COCO17.index("l_ear"), 2] = 0.0
    mpii = sk.coco_to_mpii(coco)
    assert mpii[sk.JOINTS.index("head_top"), 2] == 0.0
    assert mpii[sk.JOINTS.index("upper_neck"), 2] == 0.0
    assert mpii[sk.JOINTS.index("thorax"), 2] > 0
    coco[sk.COCO17.index("r_hip")] = np.nan
    mpii = sk.coco_to_mpii(coco)
    assert np.isnan(mpii[sk.JOINTS.index("pelvis")]).all()
    assert np.isnan(mpii[sk.JOINTS.index("r_hip")]).all()


def test_coco_to_mpii_batch():
    rng = np.random.default_rng(0)
    batch = rng.normal(size=(2, 5, 17, 3)).astype(np.float32)
    out = sk.coco_to_mpii(batch)
    assert out.shape == (2, 5, 16, 3) and out.dtype == np.float32
    for i in range(2):
        for t in range(5):
            np.testing.assert_array_equal(out[i, t], sk.coco_to_mpii(batch[i, t]))
    with pytest.raises(ValueError, match="expected"):
        sk.coco_to_mpii(np.zeros((5, 16, 3)))
