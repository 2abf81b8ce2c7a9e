"""Command tests: the `flask` commands, in process or as subprocesses, and every command the README shows."""
