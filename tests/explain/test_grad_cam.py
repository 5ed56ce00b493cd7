"""vira.explain.grad_cam: the paper's attention scaling, box scores, and Grad-CAM against its equation."""

import cv2
import numpy as np
import pytest
import torch
import torchvision
from torch import nn

from vira.explain import (attention_scaled_cam, centre_box, energy_in_box, frame_cams, pointing_game,
                          randomise_)
from vira.models.pay_attention import FrameAttentionNet


def test_attention_scaled_cam_by_hand():
    cams = np.array([[[0.0, 2.0], [1.0, 4.0]], [[5.0, 5.0], [5.0, 5.0]], [[1.0, 3.0], [1.0, 1.0]]])
    alpha = np.array([0.2, 0.3, 0.5])
    out = attention_scaled_cam(cams, alpha)
    # frame 0: (x - 0) / 4 = [0, .5, .25, 1], times .2 / .5 = .4; frame 1 constant -> 0; frame 2: (x - 1) / 2, times 1
    np.testing.assert_allclose(out[0], [[0, 0.2], [0.1, 0.4]])
    np.testing.assert_allclose(out[1], 0)
    np.testing.assert_allclose(out[2], [[0, 1], [0, 0]])
    with pytest.raises(ValueError, match="alpha"):
        attention_scaled_cam(cams, np.array([0.5, 0.5]))


def test_pointing_game_and_energy_in_box_by_hand():
    cam = np.zeros((4, 4))
    cam[0, 3] = 3.0  # pixel centre (x 0.875, y 0.125)
    cam[2, 1] = 1.0  # pixel centre (x 0.375, y 0.625)
    right_top = (0.5, 0.0, 1.0, 0.5)
    assert pointing_game(cam, right_top) and not pointing_game(cam, (0.0, 0.5, 0.5, 1.0))
    assert energy_in_box(cam, right_top) == pytest.approx(0.75)
    assert np.isnan(energy_in_box(np.zeros((4, 4)), right_top))
    assert centre_box(0.2) == pytest.approx((0.4, 0.4, 0.6, 0.6))


def test_randomise_is_seeded_and_changes_every_layer():
    net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    before = [p.clone() for p in net.parameters()]
    randomise_(net, seed=1)
    after = [p.clone() for p in net.parameters()]
    assert all(not torch.equal(a, b) for a, b in zip(before, after))
    randomise_(net, seed=1)
    assert all(torch.equal(a, p) for a, p in zip(after, net.parameters()))


def _tiny_trunk():
    torch.manual_seed(0)
    net = torchvision.models.resnet18(weights=None)
    net.fc = nn.Identity()
    return net.eval()


def test_frame_cams_follow_the_grad_cam_equation():
    """gamma_f = mean over the K x K positions of d s / d A^f; H = relu(sum_f gamma_f A^f),
    resized to the frame (bilinear) and min-max normalised: computed here with hooks."""
    trunk = _tiny_trunk()
    torch.manual_seed(1)
    head = FrameAttentionNet(in_dim=512, embed=16, att_hidden=8, hidden=8, dropout=0.0).eval()
    frames = torch.randn(3, 3, 64, 64)
    cams = frame_cams(trunk, head, frames)
    assert cams.shape == (3, 64, 64) and cams.min() >= 0 and cams.max() <= 1 + 1e-6

    store = {}
    layer = trunk.layer4[-1]
    h = layer.register_forward_hook(lambda m, i, o: store.update(A=o))
    A_logits = head(trunk(frames)[None])
    h.remove()
    A = store["A"]  # (3, 512, 2, 2)
    grads = torch.autograd.grad(A_logits[0, 1], A)[0]
    gamma = grads.mean(dim=(2, 3), keepdim=True)
    H = torch.relu((gamma * A).sum(1)).detach().numpy()
    for k in range(3):
        up = cv2.resize(H[k].astype(np.float32), (64, 64))
        up = up - up.min()
        up = up / (1e-7 + up.max())
        np.testing.assert_allclose(cams[k], up, atol=1e-4)
