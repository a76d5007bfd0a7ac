"""Fixtures for the share images: the faces found on this machine, the real edition as records."""
from tests.support.share import edition, fonts  # noqa: F401  (fixtures)
