"""How hard the fuzz tests try: a few examples in a developer's run, more in CI.

The Hypothesis profile ``ci`` (``HYPOTHESIS_PROFILE=ci``, set by ``.ci/run``; registered in
``conftest.py``) multiplies the example count of the fuzz tests that set their own, so the default
run stays quick and CI still searches wider on every submission.
"""

from __future__ import annotations

import os

SCALE = {"ci": 5}.get(os.environ.get("HYPOTHESIS_PROFILE", ""), 1)


def examples(count: int) -> int:
    """Return how many examples a fuzz test with ``count`` examples by default runs now."""
    return count * SCALE
