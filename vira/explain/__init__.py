"""Explanations of trained models, one method per module.

* :mod:`vira.explain.action_feedback` -- action guidance and dance tips from a skeleton model
  (VDV §4.2, Eq. 7-9; chapter 3).
* :mod:`vira.explain.grad_cam` -- Grad-CAM on a frame model's ResNet50, scaled by its frame
  attention, and the scores that check a heatmap against a planted box (Pay Attention §2;
  chapter 8).
"""

from vira.explain.action_feedback import (action_guidance, attention_bins, gradient_times_input, overall_attention,
                              resample, temporal_attention, times_input)
from vira.explain.grad_cam import (FramePopularity, attention_scaled_cam, box_mask, centre_box, energy_in_box, frame_cams,
                       pointing_game, randomise_)

__all__ = ["action_guidance", "attention_bins", "gradient_times_input", "overall_attention", "resample",
           "temporal_attention", "times_input", "FramePopularity", "attention_scaled_cam", "box_mask", "centre_box",
           "energy_in_box", "frame_cams", "pointing_game", "randomise_"]
