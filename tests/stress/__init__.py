"""Stress tests: a threaded server under load, and faults of the database, the disk and the network."""
