"""Render synthetic dancers to RGB frames, with planted visual content (chapters 7 and 8).

The video models of chapters 7 and 8 read pixels, so their data must be pixels with a known truth.
:func:`render_frames` draws one clip, vectorised in PyTorch (the same code on a CPU and a GPU):

* the **background** carries the scene latent: a vertical gradient whose colour moves from a dull
  grey-green (low) to a warm, saturated tone (high), crossed by diagonal stripes whose contrast
  grows with the latent;
* the **body** is drawn as capsules (a segment with round ends) along the 15 bones of the MPII
  skeleton (:data:`vira.skeleton.BONES`), in a fixed dark-blue outfit;
* the **face** is a disc at the head whose colour carries the face latent, from pale grey (low) to
  a warm skin tone (high), with two dark eyes;
* an optional **cue**: a magenta square prop at a known box in a known set of frames, the planted
  visual evidence that chapter 8's explanations must find.

Coordinates: ``joints`` are (T, V, 2) in *torso units* with y up (as
:func:`vira.data.synthetic.dance.forward_kinematics` returns them); the dancer is placed at the
frame's horizontal centre with the body's vertical middle at the frame's, at ``scale`` frame
heights per torso unit.
Boxes are (x0, y0, x1, y1) in fractions of the frame, y down.
"""

from __future__ import annotations

import numpy as np
import torch

from vira.skeleton import BONES, JOINTS

__all__ = ["render_frames", "CUE_COLOUR"]

CUE_COLOUR = (1.0, 0.0, 1.0)  # magenta: no other part of a frame is this colour
_HEAD, _NECK = JOINTS.index("head_top"), JOINTS.index("upper_neck")
_BONES = torch.tensor(BONES, dtype=torch.long)  # (15, 2)


def _lerp(a, b, w):
    return a + (b - a) * w


def render_frames(joints, face: float, scene: float, size: int = 112, scale: float = 0.24,
                  cue_box: tuple[float, float, float, float] | None = None, cue_frames=None,
                  device=None) -> torch.Tensor:
    """Frames ``(T, size, size, 3)`` uint8 of a dancer with ``joints`` (T, 16, 2), torso units.

    ``face`` and ``scene`` are the latents (standard normal); ``cue_frames`` is a boolean mask
    (T,) or frame indices where the cue is drawn in ``cue_box``. Deterministic: no randomness.
    """
    dev = torch.device(device or "cpu")
    j = torch.as_tensor(np.asarray(joints, dtype=np.float32), device=dev)
    if j.ndim != 3 or j.shape[1:] != (len(JOINTS), 2):
        raise ValueError(f"joints must have shape (T, {len(JOINTS)}, 2), got {tuple(j.shape)}")
    T = j.shape[0]
    # torso units (y up) -> pixels (y down); the thorax (the origin) a little above the middle,
    # so that a standing dancer (head 0.7 above it, ankles 2.8 below) fills most of the height
    px = torch.empty_like(j)
    px[..., 0] = (0.5 + scale * j[..., 0]) * size
    px[..., 1] = (0.5 - scale * (j[..., 1] + 1.05)) * size
    coords = torch.arange(size, device=dev, dtype=torch.float32) + 0.5
    yy, xx = torch.meshgrid(coords, coords, indexing="ij")  # (H, W)
    s = torch.sigmoid(torch.tensor(float(scene), device=dev))
    f = torch.sigmoid(torch.tensor(float(face), device=dev))

    # background: gradient + stripes, the same in every frame
    top = _lerp(torch.tensor([0.45, 0.50, 0.45], device=dev), torch.tensor([0.95, 0.55, 0.20], device=dev), s)
    bottom = top * 0.55
    grad = (yy / size)[..., None]
    stripes = 0.5 + 0.5 * torch.sin((xx + yy) * (2 * np.pi / (size / 6)))
    background = _lerp(top, bottom, grad) * (1 - 0.35 * s * stripes[..., None])  # (H, W, 3)

    # body: squared distance from every pixel to every bone segment (T, 15, H, W), reduced over
    # the bones. With d = pixel - a, L = |b - a|^2 and the unclamped position along the bone
    # t' = d.(b - a) / L, the distance is |d|^2 + L t (t - 2 t'), t = clamp(t', 0, 1); |d|^2 and t'
    # are sums of a row term and a column term, so each costs one broadcast add. A few frames at a
    # time, so that the intermediate arrays stay in the CPU's cache.
    a, b = px[:, _BONES[:, 0]], px[:, _BONES[:, 1]]  # (T, 15, 2)
    ab = b - a
    L = ab.square().sum(-1) + 1e-6  # (T, 15)
    dx, dy = coords - a[..., 0, None], coords - a[..., 1, None]  # (T, 15, W), (T, 15, H)
    tx, ty = dx * (ab[..., 0, None] / L[..., None]), dy * (ab[..., 1, None] / L[..., None])
    dx2, dy2 = dx.square(), dy.square()
    X, Y = xx[None], yy[None]  # (1, H, W), used by the face below
    dist2 = torch.empty(T, size, size, device=dev)
    step = max(1, 8192 * 32 // (size * size * len(BONES)) + 1) if dev.type == "cpu" else T
    for k in range(0, T, step):
        sl = slice(k, k + step)
        t_raw = tx[sl, :, None, :] + ty[sl, :, :, None]  # (t, 15, H, W)
        t = t_raw.clamp(0, 1)
        d2 = t.sub(t_raw, alpha=2).mul_(t).mul_(L[sl, :, None, None])
        d2.add_(dx2[sl, :, None, :]).add_(dy2[sl, :, :, None])
        dist2[sl] = d2.amin(1).clamp_(min=0)
    radius = 0.05 * size * scale / 0.24
    body = dist2.sqrt_().neg_().add_(radius + 0.5).clamp_(0, 1)  # (T, H, W), anti-aliased edge

    # face: a disc just above the neck, towards the head top, with two dark eyes
    centre = _lerp(px[:, _NECK], px[:, _HEAD], 0.6)  # (T, 2)
    r_face = 0.09 * size * scale / 0.24

    def disc(c, r):  # (T, H, W): 1 inside a disc of radius r around c (T, 2), anti-aliased
        d2 = (X - c[:, 0, None, None]).square_() + (Y - c[:, 1, None, None]).square_()
        return d2.sqrt_().neg_().add_(r + 0.5).clamp_(0, 1)

    face_mask = disc(centre, r_face)
    eye_offset = torch.tensor([0.35 * r_face, -0.15 * r_face], device=dev)
    eyes = torch.maximum(*(disc(centre + eye_offset * torch.tensor([sign, 1.0], device=dev), 0.12 * r_face)
                           for sign in (-1.0, 1.0)))
    skin = _lerp(torch.tensor([0.70, 0.72, 0.70], device=dev), torch.tensor([0.98, 0.72, 0.55], device=dev), f)
    outfit = torch.tensor([0.12, 0.16, 0.45], device=dev)
    dark = eyes.mul_(face_mask).neg_().add_(1)  # the eyes darken the face: 1 - eyes * face

    cue = None
    if cue_box is not None and cue_frames is not None:
        x0, y0, x1, y1 = (v * size for v in cue_box)
        inside = ((xx >= x0) & (xx < x1) & (yy >= y0) & (yy < y1)).float()
        on = torch.zeros(T, device=dev)
        on[torch.as_tensor(np.asarray(cue_frames), device=dev)] = 1.0
        cue = inside[None] * on[:, None, None]  # (T, H, W)

    # compose one colour plane at a time (T, H, W): background -> outfit -> skin -> eyes -> cue
    out = torch.empty(T, size, size, 3, dtype=torch.uint8, device=dev)
    for ch in range(3):
        img = (outfit[ch] - background[None, ..., ch]) * body + background[None, ..., ch]
        img.add_((skin[ch] - img).mul_(face_mask)).mul_(dark)
        if cue is not None:
            img.add_((CUE_COLOUR[ch] - img).mul_(cue))
        out[..., ch] = img.clamp_(0, 1).mul_(255).round_()
    return out
