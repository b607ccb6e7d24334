"""``python -m policies`` runs the ``policies`` command."""

import sys

from policies.cli import main

if __name__ == "__main__":
    sys.exit(main())
