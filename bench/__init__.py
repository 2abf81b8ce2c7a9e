"""The benchmark harness (`make bench`); not part of the test suite."""
