"""`python -m bot` is `asn-bot`."""

import sys

from bot.cli import main

sys.exit(main())
