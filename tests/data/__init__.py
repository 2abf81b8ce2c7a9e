"""Data tests: services, queries, importing, history, search and migrations on the test database, without requests."""
