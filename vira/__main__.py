"""``python -m vira``: the book runner (:mod:`vira.book.runner`)."""

import sys

from vira.book.runner import main

sys.exit(main())
