"""The benchmark harness (`make bench`) and the synthetic data it runs on (`flask seed-synthetic`); not part of the
test suite."""
