"""The test suite; CONTRIBUTING.md, "Tests", says what goes in which folder."""
