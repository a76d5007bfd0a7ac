"""Tests of one package's functions (tests/unit/<package> mirrors feature/<package>)."""
