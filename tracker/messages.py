"""Messages kept as data: what a background run found (a link check's reason, why a feed could not be read) is
stored as the message's msgid and values, and worded when shown, in the reader's language — not in the language of
the worker that happened to run it.

`message_data(_("The site had a problem (%(status)s); try again later.", status=502))` gives
`{"msgid": "The site had a problem (%(status)s); try again later.", "params": {"status": 502}}`; a value that is a
message itself (a redirect's reason) is kept as data too. `worded(data)` gives the text back through the catalogs.
Text that was never a translatable message is kept as `{"text": ...}`, shown as it is.
"""

from __future__ import annotations

from typing import Any

from flask_babel.speaklater import LazyString

from tracker.i18n import _, _n, ngettext

Message = dict[str, Any]


def message_data(message: object) -> Message:
    """A message as JSON-friendly data: its msgid (and plural form and count) and its values."""
    if not isinstance(message, LazyString):
        return {"text": str(message)}
    params = {name: value_data(value) for name, value in message._kwargs.items()}
    if message._func is ngettext:
        singular, plural, num = message._args
        return {"msgid": singular, "plural": plural, "num": num, "params": params}
    return {"msgid": message._args[0], "params": params}


def value_data(value: Any) -> Any:
    """A message's value: a nested message as data, a number or text as it is."""
    if isinstance(value, LazyString):
        return message_data(value)
    return value if isinstance(value, int | float) else str(value)


def worded(data: Message | None) -> str:
    """The message in the current language; "" for none."""
    if not data:
        return ""
    if "msgid" not in data:
        return str(data.get("text", ""))
    params = {name: worded(value) if isinstance(value, dict) else value for name, value in data["params"].items()}
    try:
        if "plural" in data:
            return str(_n(data["msgid"], data["plural"], int(data["num"]), **params))
        return str(_(data["msgid"], **params))
    except (KeyError, ValueError, TypeError):
        # A catalog's translation naming a value the stored message lacks: the message as written, unworded.
        return str(data["msgid"])
