"""Source URL normalisation: one normal form per article, only http and https."""

import pytest

from tracker.urls import InvalidURLError, normalize_url


@pytest.mark.parametrize(
    ("given", "normal"),
    [
        ("HTTPS://Tirto.ID/berita", "https://tirto.id/berita"),
        ("https://tirto.id:443/berita", "https://tirto.id/berita"),
        ("http://tirto.id:80/berita", "http://tirto.id/berita"),
        ("http://tirto.id:8080/berita", "http://tirto.id:8080/berita"),
        ("https://tirto.id/berita#comments", "https://tirto.id/berita"),
        ("https://tirto.id/berita?utm_source=fb&utm_medium=x&id=3&fbclid=abc", "https://tirto.id/berita?id=3"),
        ("https://tirto.id", "https://tirto.id/"),
        ("https://tirto.id./berita", "https://tirto.id/berita"),
        ("  https://tirto.id/berita  ", "https://tirto.id/berita"),
        ("https://tirto.id/Berita-Kerja-Sama", "https://tirto.id/Berita-Kerja-Sama"),
    ],
)
def test_normal_form(given, normal):
    assert normalize_url(given) == normal


@pytest.mark.parametrize(
    "bad",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "ftp://example.org/x",
        "tirto.id/berita",
        "https://",
        "https://user:pw@tirto.id/",
        "https://tirto.id/a b",
        "https://tirto.id:99999/",
        "http://[::1",
        "",
        "https://x.org/" + "a" * 2100,
    ],
)
def test_refused(bad):
    with pytest.raises(InvalidURLError):
        normalize_url(bad)
