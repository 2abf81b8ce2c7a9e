"""Forms of the news inbox: a news feed as admins register it."""

from __future__ import annotations

from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import InputRequired, Length

from tracker.forms.base import BaseForm, options
from tracker.i18n import _
from tracker.ingest.newsfeed import AUTO, FEED, LISTING, SITEMAP
from tracker.models import NewsFeed

KIND_CHOICES = [
    (AUTO, _("Find out from what the address gives")),
    (FEED, _("RSS or Atom feed")),
    (SITEMAP, _("Sitemap (sitemap.xml, news sitemap)")),
    (LISTING, _("Page listing articles (a section or press-release page)")),
]


class FeedForm(BaseForm):
    """A feed's name, address and kind, and whether it is read."""

    name = StringField(_("Name"), validators=[InputRequired(), Length(max=200)])
    url = StringField(_("Feed address (RSS or Atom)"), validators=[InputRequired(), Length(max=2000)])
    kind = SelectField(_("What the address gives"), choices=options(KIND_CHOICES), default=AUTO)
    active = BooleanField(_("Read this feed"), default=True)

    def fill_from(self, feed: NewsFeed) -> None:
        """Pre-fill the form from a registered feed (for GET of the edit page)."""
        self.name.data, self.url.data, self.active.data, self.kind.data = feed.name, feed.url, feed.active, feed.kind
