"""Fixtures for the share images: the faces found on this machine, the real edition as records."""
from __future__ import annotations

import pytest

from feature.share import find_fonts

from tests.support.share import real_edition


@pytest.fixture(scope="session")
def fonts():
    return find_fonts()


@pytest.fixture(scope="session")
def edition():
    return real_edition()
