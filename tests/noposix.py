"""Pretend to be a platform without POSIX-only calls, as on Windows.

Imported by conftest.py when SAMVERKAN_TEST_NO_POSIX=1, before any test imports the
package: ``import fcntl`` fails, and ``os.fchmod``, ``os.killpg``, ``os.setsid`` and
``signal.SIGKILL`` are gone. batch, render, diff, beslut and --pdf must all work like
this (.ci/run runs those tests so), which they can only do through pipeline/platform.py.
"""

import os
import signal
import sys

sys.modules["fcntl"] = None  # "import fcntl" raises ImportError, as on Windows
for name in ("fchmod", "killpg", "setsid"):
    if hasattr(os, name):
        delattr(os, name)
if hasattr(signal, "SIGKILL"):
    delattr(signal, "SIGKILL")
