"""``python -m generator`` runs the ``policies`` command."""

import sys

from .cli import main

sys.exit(main())
