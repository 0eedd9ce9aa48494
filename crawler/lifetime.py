"""How a helper process (the crawl's store process, a bulk job's worker) ends with the
process that started it."""

from __future__ import annotations

import os
import signal


def end_with_parent(parent: int) -> None:
    """Called first in a helper process started by ``parent``: Ctrl-C is the parent's to
    handle (the terminal sends it to both), and the helper is killed when ``parent``
    ends, even killed itself (Linux: ``PR_SET_PDEATHSIG``; elsewhere nothing is set).
    A parent that ended before that took hold ends the helper at once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:
        os._exit(1)
