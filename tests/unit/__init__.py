"""Unit tests: pure functions and modules, with no application and no database; they run in seconds."""
