"""Shared test setup: no test may reach the network (loopback stays allowed for Jupyter kernels)."""

import os

from vira.book.offline import forbid_network

# Kernels started by papermill/nbval inherit this and install the same guard when they import vira.
os.environ["VIRA_FORBID_NETWORK"] = "1"
os.environ.setdefault("MPLBACKEND", "Agg")
forbid_network()
