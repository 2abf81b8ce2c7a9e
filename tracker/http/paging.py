"""Paging, alike on the pages and in the API."""

from __future__ import annotations

from flask import current_app, request


def page_size() -> int:
    """The site's page size: how many items a list shows when the query string does not choose."""
    return current_app.config["TRACKER_PAGE_SIZE"]


def chosen_per_page(chosen: int) -> int:
    """The validated `per_page` if the query string gave one, else the site's page size."""
    return chosen if request.args.get("per_page") else page_size()
