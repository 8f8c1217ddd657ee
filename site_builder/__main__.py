"""`python -m site_builder` is the same as `portal`."""

import sys

from .cli import main

sys.exit(main())
