"""``python -m simulation`` runs the command line."""

import sys

from simulation.cli import main

sys.exit(main())
