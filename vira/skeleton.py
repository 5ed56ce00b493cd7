"""The MPII 16-joint skeleton of the VDV paper, and the conversion from COCO-17 keypoints.

Wang et al. (2021, "Will You Ever Become Popular? Learning to Predict Virality of Dance Clips",
§4.1) build the spatial-temporal graph of PSGCN on the joints and edges of the MPII human pose
dataset, and partition each joint's neighbourhood by the distance to the centre joint, the thorax
(the spatial partition of ST-GCN). This module holds that graph:

* :data:`JOINTS` -- the 16 joint names in the standard MPII index order; :data:`V` = 16;
  :data:`CENTER` -- the index of the thorax (7).
* :data:`BONES` -- 15 (parent, child) index pairs, a tree rooted at the thorax; :data:`PARENT`
  -- the parent of every joint (-1 for the thorax).
* :data:`HOPS` -- shape (16,), the graph hop distance of every joint from the thorax, computed by
  :func:`hop_distance` (a breadth-first search).
* :data:`BODY_PARTS` -- ``"head"``, ``"upper"``, ``"lower"``: a partition of the 16 joints.
* :data:`COCO17` and :func:`coco_to_mpii` -- real pose estimators (and the AIST++ annotations,
  :mod:`vira.data.real.aistpp`) give the 17 COCO keypoints; the conversion copies the 12 limb joints
  and derives pelvis, thorax, upper neck and head top.

Shapes: a pose is an array (..., V, C) with joints on the second-to-last axis, C = 3 for
(x, y, confidence) in image coordinates (y down). Used by chapter 2 (skeletons and PSGCN) and by
the synthetic skeleton benchmark in :mod:`vira.data` (appendix A1).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

import numpy as np

#: The 16 MPII joints, in the standard MPII index order (0..15).
JOINTS: tuple[str, ...] = (
    "r_ankle", "r_knee", "r_hip", "l_hip", "l_knee", "l_ankle",      # 0-5
    "pelvis", "thorax", "upper_neck", "head_top",                    # 6-9
    "r_wrist", "r_elbow", "r_shoulder", "l_shoulder", "l_elbow", "l_wrist",  # 10-15
)
#: Number of joints (graph vertices).
V: int = len(JOINTS)
#: The paper's centre joint: the thorax.
CENTER: int = JOINTS.index("thorax")

_J = {name: i for i, name in enumerate(JOINTS)}


def _bones(*pairs: tuple[str, str]) -> tuple[tuple[int, int], ...]:
    return tuple((_J[parent], _J[child]) for parent, child in pairs)


#: The 15 edges as (parent, child) indices; the parent is the end closer to the thorax.
BONES: tuple[tuple[int, int], ...] = _bones(
    ("thorax", "upper_neck"), ("upper_neck", "head_top"),
    ("thorax", "r_shoulder"), ("r_shoulder", "r_elbow"), ("r_elbow", "r_wrist"),
    ("thorax", "l_shoulder"), ("l_shoulder", "l_elbow"), ("l_elbow", "l_wrist"),
    ("thorax", "pelvis"),
    ("pelvis", "r_hip"), ("r_hip", "r_knee"), ("r_knee", "r_ankle"),
    ("pelvis", "l_hip"), ("l_hip", "l_knee"), ("l_knee", "l_ankle"),
)


def _parents(num_nodes: int, bones: Iterable[tuple[int, int]]) -> tuple[int, ...]:
    parent = [-1] * num_nodes
    for p, c in bones:
        if parent[c] != -1:
            raise ValueError(f"joint {c} has two parents ({parent[c]} and {p})")
        parent[c] = p
    return tuple(parent)


#: PARENT[j] is the parent joint of j in :data:`BONES`, -1 for the thorax (the root).
PARENT: tuple[int, ...] = _parents(V, BONES)


def hop_distance(num_nodes: int, edges: Iterable[tuple[int, int]],
                 root: int = CENTER) -> np.ndarray:
    """Hop distance of every node from ``root`` in the undirected graph ``edges``.

    Returns an int array of shape (num_nodes,), computed by breadth-first search; a node that
    cannot be reached from ``root`` gets -1. ST-GCN's spatial partition (used by PSGCN) compares
    the hop distances of a joint and its neighbour to the centre joint.
    """
    neighbours: list[list[int]] = [[] for _ in range(num_nodes)]
    for a, b in edges:
        neighbours[a].append(b)
        neighbours[b].append(a)
    dist = np.full(num_nodes, -1, dtype=np.int64)
    dist[root] = 0
    queue = deque([root])
    while queue:
        node = queue.popleft()
        for nxt in neighbours[node]:
            if dist[nxt] < 0:
                dist[nxt] = dist[node] + 1
                queue.append(nxt)
    return dist


#: Shape (16,): hop distance of every joint from the thorax (thorax 0, ..., ankles 4).
HOPS: np.ndarray = hop_distance(V, BONES)
HOPS.setflags(write=False)
if (HOPS < 0).any():  # pragma: no cover - a guard on the table above
    raise ValueError("BONES must connect every joint to the thorax")

#: A partition of the 16 joints into three body parts:
#: ``"head"`` -- thorax, upper_neck, head_top (head and neck, the trunk's top);
#: ``"upper"`` -- shoulders, elbows, wrists (the arms);
#: ``"lower"`` -- pelvis, hips, knees, ankles (the legs).
BODY_PARTS: dict[str, tuple[int, ...]] = {
    "head": tuple(_J[n] for n in ("thorax", "upper_neck", "head_top")),
    "upper": tuple(_J[n] for n in ("r_shoulder", "r_elbow", "r_wrist",
                                   "l_shoulder", "l_elbow", "l_wrist")),
    "lower": tuple(_J[n] for n in ("pelvis", "r_hip", "r_knee", "r_ankle",
                                   "l_hip", "l_knee", "l_ankle")),
}

#: The 17 COCO keypoints, in COCO order (0..16).
COCO17: tuple[str, ...] = (
    "nose", "l_eye", "r_eye", "l_ear", "r_ear",
    "l_shoulder", "r_shoulder", "l_elbow", "r_elbow", "l_wrist", "r_wrist",
    "l_hip", "r_hip", "l_knee", "r_knee", "l_ankle", "r_ankle",
)
_C = {name: i for i, name in enumerate(COCO17)}

#: MPII joints that COCO has under the same name (copied as they are).
_DIRECT = tuple(name for name in JOINTS if name in _C)
_DIRECT_MPII = np.array([_J[n] for n in _DIRECT])
_DIRECT_COCO = np.array([_C[n] for n in _DIRECT])

#: Upper neck = thorax + UPPER_NECK_FRACTION * (ear midpoint - thorax).
UPPER_NECK_FRACTION: float = 0.5
#: Head top = thorax + HEAD_TOP_FACTOR * (ear midpoint - thorax).
HEAD_TOP_FACTOR: float = 1.75


def coco_to_mpii(kp: np.ndarray) -> np.ndarray:
    """COCO-17 keypoints (..., 17, 3) -> MPII-16 joints (..., 16, 3), for any leading shape.

    The last axis is (x, y, confidence) in image coordinates (y down). The 12 limb joints
    (ankles, knees, hips, wrists, elbows, shoulders) are copied. The other four are derived:

    * pelvis = midpoint of the two hips;
    * thorax = midpoint of the two shoulders;
    * with E = midpoint of the two ears, the head axis runs from the thorax through E:
      upper_neck = thorax + 0.5 (E - thorax) (:data:`UPPER_NECK_FRACTION`, halfway up the neck)
      and head_top = thorax + 1.75 (E - thorax) (:data:`HEAD_TOP_FACTOR`: the ears sit about
      halfway up the head, and ear level to crown is about three quarters of thorax to ears).

    The rule uses only shoulders and ears, so it follows the head's direction when the body is
    tilted or upside down (break dance), which a fixed "up" in the image would not. The
    confidence of a derived joint is the minimum of the confidences of the keypoints it was
    computed from (hips; shoulders; shoulders and ears), so a missing source gives a low (or NaN)
    derived confidence; NaN coordinates propagate. The result has the input's float dtype
    (integer input becomes float64). Pure and vectorised: the input is not modified.
    """
    kp = np.asarray(kp)
    if kp.ndim < 2 or kp.shape[-2:] != (len(COCO17), 3):
        raise ValueError(f"COCO keypoints have shape {kp.shape}, expected (..., 17, 3)")
    if not np.issubdtype(kp.dtype, np.floating):
        kp = kp.astype(np.float64)
    out = np.empty(kp.shape[:-2] + (V, 3), dtype=kp.dtype)
    out[..., _DIRECT_MPII, :] = kp[..., _DIRECT_COCO, :]

    def mid(a: str, b: str) -> np.ndarray:
        pa, pb = kp[..., _C[a], :], kp[..., _C[b], :]
        # np.minimum propagates NaN, so a missing source gives a missing derived confidence.
        return np.concatenate([0.5 * (pa[..., :2] + pb[..., :2]),
                               np.minimum(pa[..., 2:], pb[..., 2:])], axis=-1)

    thorax, ears = mid("l_shoulder", "r_shoulder"), mid("l_ear", "r_ear")
    out[..., _J["pelvis"], :] = mid("l_hip", "r_hip")
    out[..., _J["thorax"], :] = thorax
    axis = ears[..., :2] - thorax[..., :2]
    head_conf = np.minimum(thorax[..., 2], ears[..., 2])
    for name, factor in (("upper_neck", UPPER_NECK_FRACTION), ("head_top", HEAD_TOP_FACTOR)):
        out[..., _J[name], :2] = thorax[..., :2] + factor * axis
        out[..., _J[name], 2] = head_conf
    return out


def normalize_sequence(pose: np.ndarray) -> np.ndarray:
    """A pose sequence as a model input: (T, 16, 3) pixels + confidence -> (3, T, 16).

    Coordinates are centred on the clip's median thorax position and divided by its median torso
    length (thorax to pelvis), over the frames where both were detected, so camera distance and
    position cancel out; the y axis is flipped to point up. Joints that were not detected
    (confidence 0, or NaN) get (0, 0, 0). A clip with no usable torso is centred on 0 with scale 1.
    Used by chapters 2-3 (:mod:`vira.data.clips`).
    """
    pose = np.asarray(pose, dtype=np.float64)
    if pose.ndim != 3 or pose.shape[1:] != (V, 3):
        raise ValueError(f"pose: expected shape (T, {V}, 3), got {pose.shape}")
    seen = np.isfinite(pose).all(axis=-1) & (np.nan_to_num(pose[..., 2]) > 0)
    pelvis = JOINTS.index("pelvis")
    torso_ok = seen[:, CENTER] & seen[:, pelvis]
    if torso_ok.any():
        center = np.median(pose[torso_ok, CENTER, :2], axis=0)
        scale = np.median(np.linalg.norm(pose[torso_ok, CENTER, :2] - pose[torso_ok, pelvis, :2],
                                         axis=-1))
        scale = scale if scale > 0 else 1.0
    else:
        center, scale = np.zeros(2), 1.0
    out = np.zeros_like(pose)
    out[..., 0] = (pose[..., 0] - center[0]) / scale
    out[..., 1] = -(pose[..., 1] - center[1]) / scale
    out[..., 2] = pose[..., 2]
    out[~seen] = 0.0
    return out.transpose(2, 0, 1).astype(np.float32)
