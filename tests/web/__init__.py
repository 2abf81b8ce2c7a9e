"""Web tests: the HTML interface (pages, forms, templates and their words) through Flask's test client."""
