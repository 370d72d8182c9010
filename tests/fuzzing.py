"""How hard the fuzz tests try: a few examples in a developer's run, more in CI.

``SAMVERKAN_FUZZ=ci`` (set by ``.ci/run``) multiplies every fuzz test's example count, so the
default run stays quick and CI still searches wider on every submission.
"""

from __future__ import annotations

import os

SCALE = {"ci": 5, "bred": 50}.get(os.environ.get("SAMVERKAN_FUZZ", ""), 1)


def examples(count: int) -> int:
    """Return how many examples a fuzz test with ``count`` examples by default runs now."""
    return count * SCALE
