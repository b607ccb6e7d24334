"""``python -m policies`` runs the ``policies`` command; ``run`` is also the installed ``policies`` script."""

import contextlib
import os
import sys

from policies.cli import main


def run() -> None:
    """The ``policies`` command (and ``python -m policies``): ``main``, then the process ends at once.

    Python's own teardown, freeing every module and object a build loaded one by one, is skipped: by then
    everything is written and closed, and it took 0.05-0.1 s of each build at 2,000 schools.  An exception
    that ``main`` lets through (argparse's usage exit, ``--debug``) ends the process the usual way.
    """
    status = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a reader that went away, a stream already closed
            stream.flush()
    os._exit(status)


if __name__ == "__main__":
    run()
