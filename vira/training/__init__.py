"""The training loops, out of the model files (``vira.models`` holds ``nn.Module`` s only).

* :mod:`~vira.training.regression` -- the VDV recipe (§5.1): Adam, Eq. 14 with fixed weights or
  GradNorm; chapters 2-5 and 8.
* :mod:`~vira.training.seeding` -- one call that seeds every generator.
"""
