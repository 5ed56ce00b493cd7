"""Synthetic appearance features (vira.data.synthetic.appearance): fixed random maps of the layout's
widths, non-negative, the same for every data set."""

import numpy as np
import pytest
import torch

from vira.data.layout import FACIAL_OUT, HOLISTIC_OUT, SCENIC_OUT
from vira.data.synthetic.appearance import (FACIAL_IN, HOLISTIC_IN, SCENIC_IN, FeatureMap,
                                            feature_map)


@pytest.mark.parametrize("name,d_in,d_out", [("holistic", HOLISTIC_IN, HOLISTIC_OUT),
                                             ("facial", FACIAL_IN, FACIAL_OUT),
                                             ("scenic", SCENIC_IN, SCENIC_OUT)])
def test_maps_have_the_layouts_widths_and_are_relu_of_an_affine_map(name, d_in, d_out):
    fmap = feature_map(name)
    assert fmap.weight.shape == (d_in, d_out) and fmap.bias.shape == (d_out,)
    assert feature_map(name) is fmap  # one fixed "pretrained extractor"
    x = np.random.default_rng(0).normal(0, 1, (7, d_in))
    out = fmap(x)
    assert out.shape == (7, d_out) and out.dtype == torch.float32 and (out >= 0).all()
    by_hand = np.maximum(x.astype(np.float32) @ fmap.weight + fmap.bias, 0)
    np.testing.assert_allclose(out.numpy(), by_hand, rtol=1e-5, atol=1e-5)


def test_a_map_is_fixed_by_its_seed_not_by_the_data_set():
    w = feature_map("scenic").weight
    again = FeatureMap(w.copy(), feature_map("scenic").bias.copy())
    x = np.ones((2, SCENIC_IN))
    assert torch.equal(again(x), feature_map("scenic")(x))
    assert not np.array_equal(feature_map("holistic").weight[:SCENIC_IN, :SCENIC_OUT], w)
    with pytest.raises(ValueError, match="unknown stream 'audio'"):
        feature_map("audio")
