"""Source URL normalisation: one normal form per article, only http and https."""

import pytest

from tracker.urls import InvalidURLError, clean_url, normalize_url


@pytest.mark.parametrize(
    ("given", "normal"),
    [
        ("HTTPS://Tirto.ID/berita", "https://tirto.id/berita"),
        ("https://tirto.id:443/berita", "https://tirto.id/berita"),
        ("http://tirto.id:80/berita", "https://tirto.id/berita"),
        ("http://tirto.id:8080/berita", "https://tirto.id:8080/berita"),
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


ONE_ARTICLE = "https://tirto.id/berita/kerja-sama?id=3"


@pytest.mark.parametrize(
    "spelling",
    [
        "http://tirto.id/berita/kerja-sama?id=3",
        "https://tirto.id/berita/kerja-sama/?id=3",
        "http://www.tirto.id/berita/kerja-sama/?id=3&utm_campaign=wa#top",
        "HTTP://WWW.Tirto.ID:80/berita/kerja-sama//?id=3",
    ],
)
def test_scheme_www_and_trailing_slash_name_one_article(spelling):
    assert normalize_url(spelling) == ONE_ARTICLE


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("https://tirto.id/berita", "https://m.tirto.id/berita"),
        ("https://tirto.id/berita", "https://tirto.id/Berita"),
        ("https://tirto.id/berita?id=3", "https://tirto.id/berita?id=4"),
        ("https://tirto.id/berita", "https://tirto.id:8443/berita"),
        ("https://www.com/berita", "https://com/berita"),
    ],
)
def test_what_may_name_another_page_stays_apart(one, other):
    assert normalize_url(one) != normalize_url(other)


def test_the_clean_address_keeps_scheme_host_and_slash():
    """The address to fetch is only tidied: a site may serve http alone, or nothing without www."""
    assert clean_url("HTTP://www.Tirto.ID:80/berita/?utm_source=x#top") == "http://www.tirto.id/berita/"


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
