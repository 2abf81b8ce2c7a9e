"""Forms of the news inbox: a news feed as admins register it."""

from __future__ import annotations

from wtforms import BooleanField, StringField
from wtforms.validators import InputRequired, Length

from tracker.forms.base import BaseForm
from tracker.i18n import _
from tracker.models import NewsFeed


class FeedForm(BaseForm):
    """A feed's name and address, and whether it is read."""

    name = StringField(_("Name"), validators=[InputRequired(), Length(max=200)])
    url = StringField(_("Feed address (RSS or Atom)"), validators=[InputRequired(), Length(max=2000)])
    active = BooleanField(_("Read this feed"), default=True)

    def fill_from(self, feed: NewsFeed) -> None:
        """Pre-fill the form from a registered feed (for GET of the edit page)."""
        self.name.data, self.url.data, self.active.data = feed.name, feed.url, feed.active
