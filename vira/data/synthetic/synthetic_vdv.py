"""A synthetic VDV benchmark with planted truth: dance skeletons and appearance streams.

The VDV data set (Wang et al. 2021, §3; 4,292 TikTok dance clips of 8 challenges) cannot be had.
:class:`SyntheticVDV` generates clips with the same shapes, rates and difficulties, and with a
known truth, so that every model of chapters 2-5 can be checked against what it should recover
and against the best achievable score. Appendix A1 (``A1_synthetic_vdv``) documents it.

How a clip is made (every number drawn from ``numpy.random.default_rng([seed, stream, index])``,
so each clip is a pure function of (seed, index), and nothing is materialised for all clips):

1. its challenge's routine (:mod:`vira.data.synthetic.dance`) danced by a dancer with latent qualities;
2. a pose estimator's view of it: camera scale and offset, coordinate noise, confidence, missed
   detections in bursts (about 10% of frames, as Table 1's skeleton/frame ratio), and sometimes
   an occluded lower body;
3. holistic (25 fps, 2048-d), facial (about 3 detected faces/s, 2048-d) and scenic (about
   4 fps, 512-d) features from fixed random maps (:mod:`vira.data.synthetic.appearance`);
4. a latent virality score ``z``: per-challenge modality weights combine movement quality (the
   dancer's per-joint qualities weighted by the challenge's joint-importance map, plus, for
   routines that end where they began, whether the dancer gets back to the opening pose), face
   appeal and scene quality; then engagement counts (likes, comments, reposts) and days since
   upload, heavy-tailed and accumulating front-loaded over the first days; then the VDV label
   (:func:`vira.labels.vdv_raw`, :func:`vira.labels.minmax_by_group` per challenge).

The *oracle ceiling* of a track is the Spearman correlation between ``z`` and the label on its
test split: what a model that knew ``z`` exactly would score.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from vira import labels as L
from vira.data.layout import (CHALLENGES, FACIAL_FPS, FPS, SCENIC_FPS, STREAMS, Clip, check_streams,
                              track_indices)
from vira.data.synthetic import dance
from vira.data.synthetic.appearance import feature_map
from vira.skeleton import BODY_PARTS, V

#: Seed of the benchmark's fixed design (routines, joint-importance maps), the same for every
#: data set seed: the challenges are the benchmark, the clips are a sample from it.
DESIGN_SEED = 4292
FRAME_SIZE = (720, 1280)  # width, height of the (portrait) video the skeletons live in
#: Clip lengths (shortest, longest) in seconds of the paper's clips: 5 to 15 s (§3).
PAPER_SECONDS = (5.0, 15.0)
#: Label noise: spread of log engagement that the content does not explain (tuned so that the
#: all-challenge oracle ceiling lands between 0.6 and 0.8, as the appendix checks).
ENGAGEMENT_NOISE = 1.0
ACCUMULATION_DAYS = 2.5  # likes(d) = final * (1 - exp(-d / 2.5)): front-loaded, as real TikTok


@dataclass(frozen=True)
class Latents:
    """The hidden causes of one clip (drawn in a fixed order from its latent generator)."""

    frames: int
    dancer: dance.Dancer
    attract: float
    expression: float
    occlusion: float
    scene_quality: float
    scene_type: int
    lighting: float
    style: np.ndarray  # (4,) holistic nuisances
    identity: np.ndarray  # (4,) facial nuisances
    backdrop: np.ndarray  # (6,) scenic nuisances
    camera: np.ndarray  # (3,) scale px per torso unit, centre x, centre y
    missing_rate: float
    occluded_legs: bool
    days: float
    engagement: np.ndarray  # (3,) standard normal draws for likes, comments, reposts


def draw_latents(rng: np.random.Generator, seconds: tuple[float, float], deficit: float) -> Latents:
    lo, hi = seconds
    shortfall = min(1.0, rng.exponential(deficit / 10.0))
    frames = int(round((hi - shortfall * (hi - lo)) * FPS))
    return Latents(
        frames=frames, dancer=dance.draw_dancer(rng),
        attract=float(rng.normal()), expression=float(rng.normal()),
        occlusion=float(rng.beta(1.2, 5.0)), scene_quality=float(rng.normal()),
        scene_type=int(rng.integers(0, 6)), lighting=float(rng.normal()),
        style=rng.normal(0, 1, 4), identity=rng.normal(0, 1, 4), backdrop=rng.normal(0, 1, 6),
        camera=np.array([rng.uniform(90, 160), rng.uniform(300, 420), rng.uniform(450, 650)]),
        missing_rate=float(rng.beta(2.0, 18.0)), occluded_legs=bool(rng.random() < 0.3),
        days=float(rng.uniform(0.5, 30.0)), engagement=rng.normal(0, 1, 3),
    )


def components(lat: Latents, importance: np.ndarray, returns: bool) -> np.ndarray:
    """Raw (movement, face, scene) appeal of a clip, before standardisation."""
    move = float(importance @ dance.joint_quality(lat.dancer))
    if returns:
        move += 0.8 * lat.dancer.returns_ok
    return np.array([move, lat.attract + 0.5 * lat.expression, lat.scene_quality])


def holistic_input(body: np.ndarray, lat: Latents, expression: np.ndarray, light: np.ndarray,
                   shake: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """What the holistic extractor sees in every frame, (T, 48): the joints relative to the
    thorax (T, 32), face (attractiveness, expression, occlusion), scene (quality, type one-hot)
    and nuisances (lighting, camera shake, style), plus a little noise drawn from ``rng``."""
    frames = body.shape[0]
    relative = (body - body[:, 7:8]).reshape(frames, -1)  # joints relative to the thorax
    x = np.column_stack([
        0.5 * relative, np.full(frames, lat.attract), expression,
        np.full(frames, lat.occlusion), np.full(frames, lat.scene_quality),
        np.tile(np.eye(6)[lat.scene_type], (frames, 1)), light, shake,
        np.tile(lat.style, (frames, 1))])
    return x + 0.1 * rng.normal(0, 1, x.shape)


class SyntheticVDV:
    """The benchmark: ``len(ds)`` clips, ``ds[i]`` (or ``ds.clip(i, device)``) generates clip i.

    Its size is given, not looked up: ``clips`` per challenge is an int (that many in every
    challenge), a float in (0, 1] (that fraction of Table 1's count, at least 16 per challenge)
    or None (Table 1's counts, 4,292 clips); ``seconds`` = (shortest, longest) clip length (the
    paper's clips: :data:`PAPER_SECONDS`). The chapters choose both.

    ``ds.table`` has one row per clip (challenge, split, frames, days, counts, labels and the
    planted truth: ``z`` and its standardised components ``move``, ``face``, ``scene``);
    ``ds.sizes`` the clips per challenge; ``ds.joint_importance`` (8 x 16) and
    ``ds.modality_weights`` (8 x 3) are the truth maps; ``ds.track(name)`` gives a track's
    (train, test) indices; ``ds.oracle_ceiling(name)``. A :class:`vira.data.layout.ClipSource`.
    Used by chapters 2-5 and appendix A1.
    """

    def __init__(self, clips: int | float | None = None,
                 seconds: tuple[float, float] = PAPER_SECONDS, seed: int = 0):
        full = CHALLENGES.clips.to_numpy()
        if clips is None:
            sizes = full
        elif isinstance(clips, float) and 0 < clips <= 1:
            sizes = np.maximum(16, np.round(full * clips).astype(int))
        elif isinstance(clips, (int, np.integer)) and not isinstance(clips, bool) and clips >= 2:
            sizes = np.full(len(full), int(clips))
        else:
            raise ValueError(f"clips={clips!r}: give clips per challenge (an int >= 2), a fraction "
                             f"of Table 1 in (0, 1] (a float) or None (Table 1)")
        lo, hi = (float(x) for x in seconds)
        if not 0 < lo <= hi:
            raise ValueError(f"seconds={seconds}: need 0 < shortest <= longest")
        self.seed, self.seconds = int(seed), (lo, hi)
        self.sizes = pd.Series(sizes, index=CHALLENGES.index, name="clips")
        self._design()
        self._sample()

    # -- the fixed design: routines and truth maps ---------------------------------------------
    def _design(self) -> None:
        rng = np.random.default_rng(DESIGN_SEED)
        self.routines = {c: dance.make_routine(rng, row.bpm, row.emphasis, row.returns)
                         for c, row in CHALLENGES.iterrows()}
        importance = np.zeros((len(CHALLENGES), V))
        for k, emphasis in enumerate(CHALLENGES.emphasis):
            parts = ("upper", "lower") if emphasis == "both" else (emphasis,)
            w = np.full(V, 0.4)
            w[list(BODY_PARTS["head"])] = 0.6
            for part in parts:
                w[list(BODY_PARTS[part])] = 3.0
            w *= rng.uniform(0.5, 1.5, V)
            importance[k] = w / w.sum()
        self.joint_importance = pd.DataFrame(importance, index=CHALLENGES.index,
                                             columns=list(dance.JOINTS))
        self.modality_weights = CHALLENGES[["w_move", "w_face", "w_scene"]].rename(
            columns=lambda c: c[2:])
        # population mean and spread of each raw component, per challenge (fixed reference draws)
        reference = [draw_latents(np.random.default_rng([DESIGN_SEED, 1, n]), PAPER_SECONDS, 1.0)
                     for n in range(2000)]
        self._norm = {}
        for k, c in enumerate(CHALLENGES.index):
            ref = np.array([components(lat, importance[k], CHALLENGES.returns.iloc[k])
                            for lat in reference])
            self._norm[c] = (ref.mean(0), ref.std(0))

    # -- the sample: latents, labels and splits of every clip ----------------------------------
    def _sample(self) -> None:
        rows, self._latents = [], []
        mean_len = CHALLENGES.hours * 3600 / CHALLENGES.clips
        deficit = (15.0 - mean_len.clip(upper=14.7)).to_numpy()
        for k, (c, n) in enumerate(self.sizes.items()):
            for _ in range(n):
                i = len(self._latents)
                lat = draw_latents(np.random.default_rng([self.seed, 0, i]), self.seconds, deficit[k])
                self._latents.append(lat)
                mu, sd = self._norm[c]
                comp = (components(lat, self.joint_importance.iloc[k].to_numpy(),
                                   CHALLENGES.returns.iloc[k]) - mu) / sd
                w = self.modality_weights.iloc[k].to_numpy()
                z = float(w @ comp / np.sqrt((w**2).sum()))
                rows.append((c, lat.frames, lat.days, z, *comp, lat.dancer.returns_ok,
                             *lat.engagement))
        t = pd.DataFrame(rows, columns=["challenge", "frames", "days", "z", "move", "face",
                                        "scene", "returns_ok", "e_likes", "e_comments", "e_reposts"])
        base = (0.08 * CHALLENGES.views_m * 1e6 / CHALLENGES.clips).reindex(t.challenge).to_numpy()
        final = base * np.exp(1.2 * t.z - 0.72 + ENGAGEMENT_NOISE * t.e_likes)
        reached = 1 - np.exp(-t.days / ACCUMULATION_DAYS)
        t["likes"] = np.round(final * reached)
        t["comments"] = np.round(t.likes * np.exp(np.log(0.02) + 0.5 * t.e_comments))
        t["reposts"] = np.round(t.likes * np.exp(np.log(0.01) + 0.7 * t.e_reposts))
        t = t.drop(columns=["e_likes", "e_comments", "e_reposts"])
        t["s_raw"] = L.vdv_raw(t.likes, t.comments, t.reposts, t.days)
        t["label"] = L.minmax_by_group(t.s_raw, t.challenge)
        t["split"] = "train"
        for c in CHALLENGES.index:
            members = np.flatnonzero(t.challenge == c)
            order = np.random.default_rng([self.seed, 3, int(c[1:])]).permutation(members)
            t.loc[order[int(round(0.8 * len(order))):], "split"] = "test"
        self.table = t

    # -- access ---------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.table)

    def __getitem__(self, index: int) -> Clip:
        return self.clip(index)

    def track(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(train, test) clip indices of track ``name`` ("C1".."C8" or "all"), fixed 80/20."""
        return track_indices(self.table, name)

    def oracle_ceiling(self, name: str, split: str = "test") -> float:
        """Spearman(z, label): the score of a model that knew z exactly. ``split`` ``"test"`` or
        ``"train"``: on that split of track ``name`` (:meth:`track`); ``"all"``: on every clip of
        challenge ``name`` (``"all"``: every clip), for a held-out pool that is all test (chapters
        4 and 5)."""
        from scipy.stats import spearmanr

        if split == "all":
            rows = self.table if name == "all" else self.table[self.table.challenge == name]
        elif split in ("test", "train"):
            train, test = self.track(name)
            rows = self.table.iloc[test if split == "test" else train]
        else:
            raise ValueError(f"oracle_ceiling: split must be 'test', 'train' or 'all', not {split!r}")
        if len(rows) < 2:
            raise ValueError(f"oracle_ceiling: {len(rows)} clip(s) of {name!r} in split {split!r}")
        return float(spearmanr(rows.z, rows.label).statistic)

    def clip(self, index: int, device=None, streams: tuple[str, ...] = STREAMS) -> Clip:
        """Generate clip ``index`` (the streams asked for) on ``device`` (default: the CPU)."""
        import torch

        if not 0 <= index < len(self):
            raise IndexError(f"clip index {index} out of range (0..{len(self) - 1})")
        streams = check_streams(streams)
        c = self.table.challenge.iat[index]
        lat = self._latents[index]
        rng = np.random.default_rng([self.seed, 1, index])
        offsets, _ = dance.perform(self.routines[c], lat.dancer, lat.frames, FPS, rng)
        body = dance.forward_kinematics(offsets, lat.dancer.bone_scale)  # (T, V, 2) torso units
        out = Clip(index, c, FPS)
        dev = torch.device(device or "cpu")
        # every stream's draws come from the generator in the same order, asked for or not
        skeleton = self.pose_estimate(body, lat, rng)
        if "skeleton" in streams:
            out.skeleton = torch.from_numpy(skeleton).to(dev)
        frames = lat.frames
        light = lat.lighting + 0.3 * dance.smooth_noise(rng, frames, 1, FPS, 0.5)[:, 0]
        expression = lat.expression + 0.5 * dance.smooth_noise(rng, frames, 1, FPS, 1.0)[:, 0]
        shake = dance.smooth_noise(rng, frames, 1, FPS, 2.0)[:, 0]
        onehot = np.eye(6)[lat.scene_type]
        holistic_x = holistic_input(body, lat, expression, light, shake, rng)
        if "holistic" in streams:
            out.holistic = feature_map("holistic")(holistic_x, dev)

        face_idx = np.unique(np.arange(0, frames, FPS / FACIAL_FPS).astype(int))  # floor: < frames
        seen = rng.random(len(face_idx)) >= lat.occlusion
        head = body[face_idx, 9] - body[face_idx, 8]
        tilt = np.arctan2(head[:, 0], head[:, 1])
        facial_x = np.column_stack([
            np.full(len(face_idx), lat.attract), expression[face_idx], tilt,
            np.tile(lat.identity, (len(face_idx), 1)), light[face_idx],
            rng.normal(0, 1, (len(face_idx), 8))])
        if "facial" in streams:
            feats = feature_map("facial")(facial_x, dev)
            mask = torch.from_numpy(seen).to(dev)
            out.facial, out.facial_mask = feats * mask[:, None], mask
            out.facial_frames = face_idx

        scene_idx = np.unique(np.arange(0, frames, FPS / SCENIC_FPS).astype(int))
        scenic_x = np.column_stack([
            np.full(len(scene_idx), lat.scene_quality), np.tile(onehot, (len(scene_idx), 1)),
            light[scene_idx], np.tile(lat.backdrop, (len(scene_idx), 1))])
        scenic_x += 0.1 * rng.normal(0, 1, scenic_x.shape)
        if "scenic" in streams:
            out.scenic = feature_map("scenic")(scenic_x, dev)
            out.scenic_frames = scene_idx
        return out

    def latents(self, index: int) -> Latents:
        """The hidden causes of clip ``index`` (for appendix A1's checks)."""
        return self._latents[index]

    @staticmethod
    def pose_estimate(body: np.ndarray, lat: Latents, rng: np.random.Generator) -> np.ndarray:
        """What a 2-D pose estimator returns for ``body`` (T, 16, 2) in torso units, y up:
        (T, 16, 3) pixels (y down) + confidence, with the camera, noise and misses of ``lat``."""
        frames = body.shape[0]
        scale, cx, cy = lat.camera
        sigma = 0.02 * scale
        noise = rng.normal(0, sigma, (frames, V, 2))
        xy = np.empty((frames, V, 2))
        xy[..., 0] = cx + scale * body[..., 0] + noise[..., 0]
        xy[..., 1] = cy - scale * body[..., 1] + noise[..., 1]  # image y points down
        error = np.linalg.norm(noise, axis=-1) / sigma
        conf = np.clip(1.0 - 0.1 * error - rng.uniform(0, 0.2, (frames, V)), 0.05, 1.0)
        detected = np.ones(frames, bool)
        target = int(round(lat.missing_rate * frames))
        while (~detected).sum() < target:  # missed detections come in bursts of 3-15 frames
            start, length = rng.integers(0, frames), rng.integers(3, 16)
            length = min(length, target - (~detected).sum())  # never more than the target
            detected[start:start + length] = False
        visible = np.repeat(detected[:, None], V, axis=1)
        if lat.occluded_legs:
            start, length = rng.integers(0, frames), rng.integers(25, 76)
            legs = [dance.J[n] for n in ("r_knee", "r_ankle", "l_knee", "l_ankle")]
            visible[start:start + length, legs] = False
        out = np.concatenate([xy, conf[..., None]], axis=-1).astype(np.float32)
        out[~visible] = 0.0
        return out
