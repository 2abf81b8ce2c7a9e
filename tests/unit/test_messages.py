"""Messages kept as data (tracker/messages.py): a fetch error's message, nested or plural, stored as JSON and worded
later in either language; text that never was a message stays as it is."""

from __future__ import annotations

import json

from flask_babel import force_locale

from tracker.i18n import _, _n
from tracker.messages import message_data, worded


def test_a_nested_message_is_kept_as_data_and_worded_in_the_readers_language(app):
    with app.test_request_context():
        inner = _("The site's name could not be found (%(host)s).", host="arsip.kemenperin.example")
        outer = _("The link redirects to %(url)s, which cannot be fetched: %(reason)s", url="https://x.example/a",
                  reason=inner)  # fmt: skip
        data = json.loads(json.dumps(message_data(outer)))  # as the JSON column gives it back
        assert data["params"]["reason"]["params"] == {"host": "arsip.kemenperin.example"}
        with force_locale("en"):
            assert worded(data) == str(outer)
        with force_locale("id"):
            assert worded(data) == (
                "Tautan dialihkan ke https://x.example/a, yang tidak dapat diambil: "
                "Nama situs tidak ditemukan (arsip.kemenperin.example)."
            )


def test_plural_messages_plain_text_and_nothing(app):
    with app.test_request_context():
        plural = message_data(_n("%(num)s link", "%(num)s links", 3))
        assert plural["plural"] == "%(num)s links" and plural["num"] == 3
        with force_locale("en"):
            assert worded(plural) == "3 links"
        assert worded(message_data("dns: kemenperin.invalid")) == "dns: kemenperin.invalid"
        assert worded(None) == "" and worded({}) == ""
        # A translation naming a value the stored message lacks is shown as written, never an error.
        assert worded({"msgid": "The site had a problem (%(status)s); try again later.", "params": {}}) == (
            "The site had a problem (%(status)s); try again later."
        )
