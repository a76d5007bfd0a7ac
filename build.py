#!/usr/bin/env python3
"""Build, preview, print and deploy the special-feature edition. See README.md."""
import sys

from feature.cli import run_command

if __name__ == "__main__":
    sys.exit(run_command())
