"""The training loops, out of the model files (``vira.models`` holds ``nn.Module`` s only).

* :mod:`~vira.training.regression` -- the VDV recipe (§5.1): Adam, Eq. 14
  (:func:`vira.losses.weighted_total`) with fixed weights or GradNorm; chapters 2-5.
* :mod:`~vira.training.seeds` -- :func:`~vira.training.seeds.fit_seeds`, every model once per
  seed in the chapters' order of random draws; chapters 2, 4 and 5.
* :mod:`~vira.training.seeding` -- one call that seeds every generator; every chapter.
* :mod:`~vira.training.engagement` -- Eq. 5 of the SnapUGC paper, the training and predictions
  of :class:`vira.models.engagement_net.EngagementNet`; chapter 6.
* :mod:`~vira.training.viral_vision` -- Viral Vision's recipe (§5) with early stopping, the
  collapse diagnostics and routine pretraining of :class:`vira.models.viral_vision.ViralVisionNet`;
  chapter 7.
* :mod:`~vira.training.pay_attention` -- Pay Attention's cross-entropy training, §3's random
  search and evaluation protocol (also for the Facebook features), and the embeddings of trained
  models; chapter 8.

Each module is named after the model file whose networks it trains.
"""
