"""Run a command and report its wall time and peak memory, measured from a small process.

    python3 bench/referential/measure.py REPORT.json -- COMMAND [ARGS...]

Writes {"exit_code", "wall_s", "peak_rss_mib"} to REPORT.json and exits with the command's code.
Why a separate process: Linux counts in a child's max RSS the memory of the process it was forked
from (up to its exec); run.py holds the parsed data sets, this wrapper holds almost nothing.
"""
import json
import os
import subprocess
import sys
import time


def main():
    if len(sys.argv) < 4 or sys.argv[2] != "--":
        sys.exit(__doc__)
    t0 = time.perf_counter()
    proc = subprocess.Popen(sys.argv[3:])
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    with open(sys.argv[1], "w", encoding="utf-8") as f:
        json.dump({"exit_code": code, "wall_s": wall, "peak_rss_mib": usage.ru_maxrss / 1024}, f)
    sys.exit(code if code >= 0 else 1)


if __name__ == "__main__":
    main()
