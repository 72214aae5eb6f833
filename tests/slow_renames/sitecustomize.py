"""For the signal tests only (on PYTHONPATH when they ask): each os.replace says which file
it renames, on stderr, then waits SLOW_RENAMES seconds, so that a test can press Ctrl-C in
the middle of the final renames."""

import os
import sys
import time

if os.environ.get("SLOW_RENAMES"):
    plain_replace = os.replace

    def slow_replace(source, target, *args, **options):
        sys.stderr.write(f"renaming {os.path.basename(target)}\n")
        sys.stderr.flush()
        time.sleep(float(os.environ["SLOW_RENAMES"]))
        return plain_replace(source, target, *args, **options)

    os.replace = slow_replace
