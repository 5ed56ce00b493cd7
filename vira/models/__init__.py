"""The book's models, one file per architecture.

* :mod:`vira.models.stgcn` -- the spatial-temporal graph convolution block (VDV Eq. 3-4) and the
  ST-GCN baseline (Yan et al. 2018); chapter 2.
* :mod:`vira.models.psgcn` -- the graph down-sampling module (Eq. 5-6) and PSGCN, the pyramidal
  skeleton graph network of the VDV paper (§4.1), with its "w/o pyramid" ablation; chapters 2-3.
* :mod:`vira.models.pose_dct` -- the Pose+DCT baseline (Pirsiavash et al. 2014): DCT features of
  joint trajectories and a support vector regressor; chapter 2.
"""
