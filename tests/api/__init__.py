"""API tests: the JSON API under /api/v1 through the test client, checked against its OpenAPI document."""
