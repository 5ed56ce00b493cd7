"""Synthetic dance motion: routines of motion primitives on a beat grid, 2-D forward kinematics.

This is the motion half of the synthetic VDV benchmark (:mod:`vira.data.synthetic.synthetic_vdv`,
appendix A1; chapters 2-5 train on it). A *routine* is a challenge's choreography: a loop of
moves, each a motion primitive lasting one or two beats at the challenge's tempo, plus a slowly
changing *stance* (a held pose between moves). A *dancer* performs the routine with personal
latent qualities (amplitude per body part, timing lag, wrong moves, jitter, body proportions).
Motion is produced as joint-angle offsets and turned into joint positions by forward kinematics
along :data:`vira.skeleton.BONES`, so every bone keeps its length in every frame.

Angles are in radians, positions in *torso units* (thorax-to-pelvis length = 1) with y pointing
up; :func:`forward_kinematics` returns (T, V, 2). Channels of an offset array (..., 18): one per
joint (the rotation of the bone that ends at that joint; the thorax channel is unused), then the
root's horizontal and vertical displacement.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vira.skeleton import BODY_PARTS, JOINTS, PARENT, V

J = {name: i for i, name in enumerate(JOINTS)}
ROOT_X, ROOT_Y = V, V + 1
CHANNELS = V + 2

#: Rest pose of each bone, by its child joint: absolute angle (degrees, y up) and length.
REST = {
    "upper_neck": (90, 0.25), "head_top": (90, 0.35),
    "r_shoulder": (180, 0.35), "r_elbow": (255, 0.55), "r_wrist": (265, 0.50),
    "l_shoulder": (0, 0.35), "l_elbow": (285, 0.55), "l_wrist": (275, 0.50),
    "pelvis": (270, 1.00),
    "r_hip": (180, 0.20), "r_knee": (265, 0.85), "r_ankle": (270, 0.80),
    "l_hip": (0, 0.20), "l_knee": (275, 0.85), "l_ankle": (270, 0.80),
}
REST_ANGLE = np.zeros(V)
REST_LENGTH = np.zeros(V)
for _name, (_deg, _len) in REST.items():
    REST_ANGLE[J[_name]], REST_LENGTH[J[_name]] = np.deg2rad(_deg), _len

def _chain_length(j: int) -> int:
    n = 0
    while PARENT[j] != -1:
        j, n = PARENT[j], n + 1
    return n


#: Joints in an order where every parent comes before its children (the thorax first).
FK_ORDER = tuple(sorted(range(V), key=_chain_length))

#: The part of the body each channel belongs to (root channels move the legs' base: "lower").
CHANNEL_PART = np.empty(CHANNELS, dtype=object)
for _part, _joints in BODY_PARTS.items():
    for _j in _joints:
        CHANNEL_PART[_j] = _part
CHANNEL_PART[ROOT_X] = CHANNEL_PART[ROOT_Y] = "lower"


def basis(phase: np.ndarray) -> np.ndarray:
    """Phase basis of a move, shape (T,) -> (T, 5); every column is 0 at phase 0 and at phase 1.

    Columns: sin 2 pi p, cos 2 pi p - 1, sin 4 pi p, cos 4 pi p - 1, sin pi p. Because all vanish
    at both ends, consecutive moves join without a jump.
    """
    two_pi = 2 * np.pi * phase
    return np.stack([np.sin(two_pi), np.cos(two_pi) - 1, np.sin(2 * two_pi),
                     np.cos(2 * two_pi) - 1, np.sin(np.pi * phase)], axis=-1)


def _primitive(part: str, **terms: dict[str, float]) -> tuple[str, np.ndarray]:
    coef = np.zeros((5, CHANNELS))
    names = {"s1": 0, "c1": 1, "s2": 2, "c2": 3, "h": 4}
    for channel, spec in terms.items():
        index = {"root_x": ROOT_X, "root_y": ROOT_Y}.get(channel, J.get(channel))
        for b, value in spec.items():
            coef[names[b], index] = value
    return part, coef


#: The motion primitives: name -> (body part it exercises, coefficients (5 basis, 18 channels)).
PRIMITIVES: dict[str, tuple[str, np.ndarray]] = {
    "wave_r": _primitive("upper", r_elbow={"s1": 0.5}, r_wrist={"s1": 0.7, "c1": 0.3}),
    "wave_l": _primitive("upper", l_elbow={"s1": -0.5}, l_wrist={"s1": -0.7, "c1": -0.3}),
    "arms_up": _primitive("upper", r_elbow={"h": -1.8}, l_elbow={"h": 1.8},
                          r_wrist={"h": -0.5}, l_wrist={"h": 0.5}),
    "punch_r": _primitive("upper", r_elbow={"h": -1.2}, r_wrist={"h": 1.0}),
    "punch_l": _primitive("upper", l_elbow={"h": 1.2}, l_wrist={"h": -1.0}),
    "clap": _primitive("upper", r_elbow={"h": -0.6}, r_wrist={"h": 1.3},
                       l_elbow={"h": 0.6}, l_wrist={"h": -1.3}),
    "head_bob": _primitive("upper", upper_neck={"s2": 0.15}, head_top={"s2": 0.25},
                           r_elbow={"s2": 0.15}, l_elbow={"s2": -0.15}),
    "shimmy": _primitive("upper", r_shoulder={"s2": 0.2}, l_shoulder={"s2": -0.2},
                         r_elbow={"s2": 0.3}, l_elbow={"s2": -0.3}),
    "kick_r": _primitive("lower", r_knee={"h": -0.9}, r_ankle={"h": 0.4}),
    "kick_l": _primitive("lower", l_knee={"h": 0.9}, l_ankle={"h": -0.4}),
    "squat": _primitive("lower", r_knee={"h": -0.5}, r_ankle={"h": 1.0}, l_knee={"h": 0.5},
                        l_ankle={"h": -1.0}, root_y={"h": -0.25}),
    "sway": _primitive("lower", pelvis={"s1": 0.12}, r_knee={"s1": 0.2}, l_knee={"s1": 0.2},
                       root_x={"s1": 0.15}),
    "hip_shake": _primitive("lower", r_hip={"s2": 0.35}, l_hip={"s2": 0.35},
                            pelvis={"s2": 0.05}),
    "march": _primitive("lower", r_knee={"s1": -0.5}, r_ankle={"s1": 0.5},
                        l_knee={"s1": 0.5}, l_ankle={"s1": -0.5}),
    "jump": _primitive("both", root_y={"h": 0.4}, r_elbow={"h": -1.0}, l_elbow={"h": 1.0},
                       r_ankle={"h": 0.3}, l_ankle={"h": -0.3}),
    "twist": _primitive("both", pelvis={"s1": 0.1}, r_elbow={"s1": 0.6}, l_elbow={"s1": 0.6},
                        r_knee={"s1": -0.3}, l_knee={"s1": -0.3}),
}
PRIMITIVE_NAMES = tuple(PRIMITIVES)
COEF = np.stack([c for _, c in PRIMITIVES.values()])  # (P, 5, 18)
PRIMITIVE_PART = np.array([p for p, _ in PRIMITIVES.values()])


@dataclass(frozen=True)
class Routine:
    """A challenge's choreography.

    ``moves`` (M,) primitive indices and ``beats`` (M,) their lengths in beats, looped;
    ``stances`` (M, 18) the held pose during each move; ``opening`` (18,) the opening pose that
    returning routines come back to in their last ``return_seconds``.
    """

    bpm: float
    moves: np.ndarray
    beats: np.ndarray
    stances: np.ndarray
    opening: np.ndarray
    returns: bool
    return_seconds: float = 1.0


def make_routine(rng: np.random.Generator, bpm: float, emphasis: str, returns: bool,
                 n_moves: int = 8) -> Routine:
    """Draw a routine whose moves exercise mainly ``emphasis`` ("upper", "lower" or "both")."""
    weight = np.where(PRIMITIVE_PART == emphasis, 4.0, 0.5)
    if emphasis == "both":
        weight = np.where(PRIMITIVE_PART == "both", 3.0, 1.0)
    moves = rng.choice(len(PRIMITIVES), size=n_moves, p=weight / weight.sum())
    beats = rng.choice([1, 2], size=n_moves, p=[0.4, 0.6])
    limbs = [J[n] for n in ("r_elbow", "r_wrist", "l_elbow", "l_wrist", "r_knee", "l_knee")]
    stances = np.zeros((n_moves, CHANNELS))
    stances[:, limbs] = rng.normal(0, 0.35, (n_moves, len(limbs)))
    opening = np.zeros(CHANNELS)
    opening[limbs] = rng.normal(0, 0.8, len(limbs))  # a distinctive pose
    stances[0] = opening
    return Routine(float(bpm), moves, beats, stances, opening, bool(returns))


@dataclass(frozen=True)
class Dancer:
    """One performer's latent qualities (the planted truth of movement quality).

    ``amplitude`` (18,) multiplies each channel's moves (1 = as choreographed);
    ``lag`` seconds behind the beat; ``wrong`` (3,) probability of a wrong move per body part
    (head, upper, lower); ``jitter`` angle noise level; ``bone_scale`` (16,) body proportions;
    ``returns_ok`` whether the dancer ends in the routine's opening pose.
    """

    amplitude: np.ndarray
    lag: float
    wrong: np.ndarray
    jitter: float
    bone_scale: np.ndarray
    returns_ok: bool


PARTS = ("head", "upper", "lower")


def draw_dancer(rng: np.random.Generator) -> Dancer:
    """Draw a dancer's latent qualities (a fixed number of draws, in a fixed order)."""
    part_gain = np.exp(rng.normal(0, 0.35, 3))  # head, upper, lower
    amplitude = np.array([part_gain[PARTS.index(p)] for p in CHANNEL_PART])
    amplitude *= np.exp(rng.normal(0, 0.1, CHANNELS))
    lag = float(rng.normal(0, 0.12))
    wrong = rng.beta(1.0, 8.0, 3)
    jitter = float(rng.uniform(0.02, 0.15))
    side = np.exp(rng.normal(0, 0.08, V))
    for r, l in (("r_elbow", "l_elbow"), ("r_wrist", "l_wrist"), ("r_knee", "l_knee"),
                 ("r_ankle", "l_ankle"), ("r_shoulder", "l_shoulder"), ("r_hip", "l_hip")):
        side[J[l]] = side[J[r]]  # left and right limbs of one body match
    returns_ok = bool(rng.random() < 0.6)
    return Dancer(amplitude, lag, wrong, jitter, side, returns_ok)


def joint_quality(dancer: Dancer) -> np.ndarray:
    """Per-joint movement quality q_j, shape (16,): how well joint j's bone performs its part.

    ``q_j = log a_j - 2 wrong[part(j)] - 1.5 |lag| - 0.5 jitter``: a bigger amplitude than
    choreographed counts for the clip, a smaller one against it; wrong moves, dancing off the
    beat and jitter count against it. The thorax has no bone of its own: it keeps the timing
    and steadiness terms only. This is what the benchmark's virality depends on, weighted per
    challenge by its joint-importance map.
    """
    q = np.empty(V)
    for j in range(V):
        part = PARTS.index(CHANNEL_PART[j])
        bone = np.log(dancer.amplitude[j]) if PARENT[j] != -1 else 0.0
        wrong = 2 * dancer.wrong[part] if PARENT[j] != -1 else 0.0
        q[j] = bone - wrong - 1.5 * abs(dancer.lag) - 0.5 * dancer.jitter
    return q


def smooth_noise(rng: np.random.Generator, frames: int, channels: int, fps: float,
                 knots_per_second: float = 4.0) -> np.ndarray:
    """Smooth unit-scale noise (frames, channels): Gaussian knots, linearly interpolated."""
    knots = max(2, int(np.ceil(frames / fps * knots_per_second)) + 1)
    values = rng.normal(0, 1, (knots, channels))
    where = np.linspace(0, knots - 1, frames)
    low = np.minimum(where.astype(int), knots - 2)
    frac = (where - low)[:, None]
    return values[low] * (1 - frac) + values[low + 1] * frac


def perform(routine: Routine, dancer: Dancer, frames: int, fps: float,
            rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The dancer's channel offsets over time, shape (T, 18), and the primitive danced per frame.

    Each move's phase runs from 0 to 1 over its beats (delayed by the dancer's lag); a wrong move
    replaces the choreographed primitive by a random one; stances blend smoothly between moves;
    a returning routine ends in the opening pose if the dancer gets it right, else in a random one.
    """
    beat = 60.0 / routine.bpm
    t = np.arange(frames) / fps - dancer.lag
    loop = routine.beats.sum() * beat
    starts = np.concatenate([[0.0], np.cumsum(routine.beats)[:-1]]) * beat
    n_loops = int(np.ceil((frames / fps + abs(dancer.lag)) / loop)) + 1
    # the primitive actually danced at every occurrence of every move (wrong moves replaced)
    danced = np.tile(routine.moves, n_loops + 1)
    parts = np.array([PARTS.index(p) if p != "both" else 1 for p in PRIMITIVE_PART[danced]])
    wrong = rng.random(len(danced)) < dancer.wrong[parts]
    danced = np.where(wrong, rng.integers(0, len(PRIMITIVES), len(danced)), danced)

    within = np.mod(t, loop)
    loop_index = np.floor(t / loop).astype(int) + 1  # + 1: a negative lag starts in loop -1
    move = np.searchsorted(starts, within, side="right") - 1
    phase = (within - starts[move]) / (routine.beats[move] * beat)
    occurrence = loop_index * len(routine.moves) + move
    primitive = danced[occurrence]
    moves = np.einsum("tb,tbc->tc", basis(phase), COEF[primitive]) * dancer.amplitude

    # stance: hold the stance of the current move, easing in from the previous one
    previous = routine.stances[(move - 1) % len(routine.moves)]
    ease = 0.5 - 0.5 * np.cos(np.pi * np.clip(phase * 4, 0, 1))[:, None]
    stance = previous * (1 - ease) + routine.stances[move] * ease
    if routine.returns:
        target = routine.opening if dancer.returns_ok else rng.normal(0, 0.8, CHANNELS) * (
            routine.opening != 0)
        tail = int(round(routine.return_seconds * fps))
        if 0 < tail < frames:
            w = 0.5 - 0.5 * np.cos(np.pi * np.linspace(0, 1, tail))[:, None]
            stance[-tail:] = stance[-tail] * (1 - w) + target * w
            moves[-tail:] *= (1 - w)
    jitter = dancer.jitter * smooth_noise(rng, frames, CHANNELS, fps, knots_per_second=6.0)
    jitter[:, ROOT_X:] *= 0.3
    return stance + moves + jitter, primitive


def forward_kinematics(offsets: np.ndarray, bone_scale: np.ndarray | None = None) -> np.ndarray:
    """Joint positions (T, V, 2) in torso units, y up, thorax at the origin plus the root shift.

    A bone's absolute angle is its rest angle plus its own offset and the offsets of every bone
    above it in the tree, so rotating an upper arm carries the forearm along; its length is the
    rest length times ``bone_scale`` and never changes over time.
    """
    frames = offsets.shape[0]
    scale = np.ones(V) if bone_scale is None else bone_scale
    angle = np.zeros((frames, V))
    pos = np.zeros((frames, V, 2))
    root = offsets[:, [ROOT_X, ROOT_Y]]
    for j in FK_ORDER:
        p = PARENT[j]
        if p == -1:
            pos[:, j] = root
            continue
        angle[:, j] = angle[:, p] + offsets[:, j]
        absolute = REST_ANGLE[j] + angle[:, j]
        length = REST_LENGTH[j] * scale[j]
        pos[:, j, 0] = pos[:, p, 0] + length * np.cos(absolute)
        pos[:, j, 1] = pos[:, p, 1] + length * np.sin(absolute)
    return pos
