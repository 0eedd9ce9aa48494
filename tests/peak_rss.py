"""The peak RSS of a command's own process, for memory limits in tests and benches.

``ru_maxrss`` of a child that this process started is not the child's own peak: when a
process calls exec, Linux keeps the RSS high-water mark of the address space it leaves,
and a child started by ``subprocess`` (vfork, then exec) leaves this process's address
space. A crawl started from a pytest worker that once held 500 MB reports at least
500 MB, whatever it used itself.

``measured(cmd)`` runs ``cmd`` through a small launcher that forks a fresh process
(whose high-water mark starts from the launcher's few MB), execs ``cmd`` in it, waits
for it and writes its ``ru_maxrss`` to a file; ``peak_mb`` reads that file. The
launcher exits with the command's status, so callers see the command's exit code.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

_LAUNCHER = """\
import os, signal, sys
report, argv = sys.argv[1], sys.argv[2:]
pid = os.fork()
if pid == 0:
    try:
        os.execvp(argv[0], argv)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
with open(report, "w") as out:
    out.write(str(usage.ru_maxrss))
code = os.waitstatus_to_exitcode(status)
if code < 0:  # killed by a signal: die of it too, so that the caller sees the signal
    if -code != signal.SIGKILL:
        signal.signal(-code, signal.SIG_DFL)
    os.kill(os.getpid(), -code)
sys.exit(code)
"""


def measured(cmd: list[str | os.PathLike]) -> tuple[list[str], Path]:
    """(the command line that runs ``cmd`` through the launcher, the report file)."""
    handle, report = tempfile.mkstemp(prefix="arsip-peak-rss-", suffix=".txt")
    os.close(handle)
    launcher = [sys.executable, "-I", "-S", "-c", _LAUNCHER, report]
    return [*launcher, *map(os.fspath, cmd)], Path(report)


def peak_mb(report: Path) -> float:
    """The command's own peak RSS in MB, as the kernel counted it; the report is removed."""
    try:
        return int(report.read_text()) / 1024
    finally:
        report.unlink(missing_ok=True)
