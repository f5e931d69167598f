"""`python -m summit_game` is `summit-game`."""

import sys

from summit_game.cli import main

sys.exit(main())
