"""`python -m site_builder` is the same as `portal`."""

from .cli import run

run()
