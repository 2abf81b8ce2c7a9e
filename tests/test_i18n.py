"""Translated messages that quote user input stay escaped wherever they are shown."""

from flask import flash, render_template_string
from markupsafe import Markup

from tracker.errors import InUseError
from tracker.i18n import _


def test_lazy_message_with_user_text_is_escaped(app):
    message = _("“%(title)s” cannot be deleted.", title="<script>alert(1)</script>")
    with app.test_request_context():
        html = render_template_string("{{ message }}", message=message)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_flashed_lazy_message_is_escaped(app):
    with app.test_request_context():
        flash(_("Agreement “%(title)s” recorded.", title="<b>x</b>"))
        html = render_template_string("{% for m in get_flashed_messages() %}{{ m }}{% endfor %}")
    assert "<b>" not in html and "&lt;b&gt;" in html


def test_domain_error_message_is_escaped_next_to_a_field(app):
    error = InUseError(_("Used by %(names)s.", names="<img src=x onerror=alert(1)>"), field="name")
    with app.test_request_context():
        html = render_template_string("{{ error.message }}", error=error)
    assert "<img" not in html


def test_plain_markup_still_trusted(app):
    with app.test_request_context():
        assert render_template_string("{{ m }}", m=Markup("<em>ok</em>")) == "<em>ok</em>"
