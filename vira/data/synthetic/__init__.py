"""Generators with a planted ground truth, deterministic from (seed, index): ``dance`` (skeletal
dances), ``appearance`` (feature maps), ``synthetic_vdv`` and ``long_range`` (VDV-like clips),
``render`` and ``rendered_videos`` / ``popular_videos`` (RGB videos), ``viewer_sessions``
(watch-time sessions)."""
