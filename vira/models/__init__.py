"""The book's networks, one file per architecture.

* :mod:`vira.models.stgcn` -- the spatial-temporal graph convolution block (VDV Eq. 3-4) and the
  ST-GCN baseline (Yan et al. 2018); chapter 2.
* :mod:`vira.models.psgcn` -- the graph down-sampling module (Eq. 5-6) and PSGCN, the pyramidal
  skeleton graph network of the VDV paper (§4.1), with its "w/o pyramid" ablation; chapters 2-3.
* :mod:`vira.models.rtcn` -- the relational temporal convolutional network of the VDV paper
  (§4.3, Eq. 10-11), its TCN and "w/o self-attention" ablations and the LSTM baseline;
  chapters 4-5.
* :mod:`vira.models.fusion` -- attentive modality fusion of the VDV paper (§4.4, Eq. 12): late
  fusion of per-stream scores by modality attention, or a plain average; chapter 5.
* :mod:`vira.models.pay_attention` -- the frame, headline and multimodal networks of "Pay
  Attention to Virality" (Bielski & Trzcinski 2018, §2, soft attention); chapter 8.
* :mod:`vira.models.engagement_net` -- the SnapUGC engagement predictor (Li et al. 2024, §4.3,
  Eq. 4); chapter 6.
* :mod:`vira.models.viral_vision` -- the Viral Vision network (R(2+1)D-18 and the paper's head,
  §4); chapter 7.

Only ``nn.Module`` s (and the small shape helpers and constants they need) live here: their
training loops, losses and inference helpers are in :mod:`vira.training`, and the non-neural
Pose+DCT baseline of chapter 2 (DCT features and a support vector regressor) in
:mod:`vira.pose_dct`.
"""

#: The skeleton networks of chapter 2, by the name its tables use.
SKELETON_MODELS = ("PSGCN", "ST-GCN", "PSGCN w/o pyramid", "PSGCN, mean sample")


def skeleton_model(name: str):
    """A fresh skeleton network by its table name, on the MPII graph: (N, 3, T, 16) -> (N,).

    ``"PSGCN"`` (Eq. 4 normalisation, Eq. 6 ``sample``), ``"ST-GCN"`` (its own normalisation and
    edge-importance masks), ``"PSGCN w/o pyramid"`` (Table 5's ablation) and
    ``"PSGCN, mean sample"`` (Eq. 6 replaced by the plain 2x2 average). Used by chapters 2-3.
    """
    from vira import graph
    from vira.models.psgcn import PSGCN
    from vira.models.stgcn import STGCN

    raw = graph.spatial_partitions()
    builders = {
        "PSGCN": lambda: PSGCN(graph.normalize(raw)),
        "ST-GCN": lambda: STGCN(graph.normalize_stgcn(raw)),
        "PSGCN w/o pyramid": lambda: PSGCN(graph.normalize(raw), pyramid=False),
        "PSGCN, mean sample": lambda: PSGCN(graph.normalize(raw), sample_fn=graph.sample_mean),
    }
    if name not in builders:
        raise ValueError(f"unknown skeleton model {name!r}: choose one of {', '.join(builders)}")
    return builders[name]()
