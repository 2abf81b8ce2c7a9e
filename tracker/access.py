"""Who may call which endpoint: the one table the server enforces on every request.

Every endpoint of the app must appear here. A request to an endpoint missing from the table is
refused (fail closed), and tests/web/test_access.py fails for any route of the URL map without a rule.
"""

from __future__ import annotations

from tracker.models import UserRole

# Reachable without signing in.
PUBLIC = "public"
# Any signed-in user, whatever the role (own password, signing out).
SIGNED_IN = "signed-in"

VIEWER, EDITOR, ADMIN = UserRole.VIEWER, UserRole.EDITOR, UserRole.ADMIN

RULES: dict[str, str | UserRole] = {
    "static": PUBLIC,
    "health": PUBLIC,
    "auth.sign_in": PUBLIC,
    "auth.submit_sign_in": PUBLIC,
    # Single sign-on: off to the identity provider and back (404 while none is configured).
    "sso.start": PUBLIC,
    "sso.callback": PUBLIC,
    # The language switch is on every page, the sign-in page too; a signed-in user's choice goes on the account.
    "language.choose": PUBLIC,
    "auth.sign_out": SIGNED_IN,
    "auth.password": SIGNED_IN,
    "auth.change_password": SIGNED_IN,
    # One's own API tokens, and the API's pages for people (the page and the interactive reference).
    "tokens.index": SIGNED_IN,
    "tokens.create": SIGNED_IN,
    "tokens.revoke": SIGNED_IN,
    "api_docs.index": SIGNED_IN,
    "api_docs.reference": SIGNED_IN,
    # Expiry alerts: each user's own calendar feeds and digest settings. The feed itself is fetched by
    # calendar apps without a session: its secret token authenticates it (tracker/web/calendars.py).
    "calendars.index": SIGNED_IN,
    "calendars.new": SIGNED_IN,
    "calendars.create": SIGNED_IN,
    "calendars.revoke": SIGNED_IN,
    "calendars.feed": PUBLIC,
    "digest.settings": SIGNED_IN,
    "digest.save": SIGNED_IN,
    # The digest on demand: one's own to oneself; everyone's, as the scheduled run would send it, by an admin.
    "digest.send": SIGNED_IN,
    "digest.send_all": ADMIN,
    # Saved queries of the agreement list (issue 18): whoever may read the list; the views let only the owner change
    # one (an admin may also delete a shared one), and a personal one is nobody else's (404).
    "saved_queries.index": VIEWER,
    "saved_queries.new": VIEWER,
    "saved_queries.create": VIEWER,
    "saved_queries.edit": VIEWER,
    "saved_queries.update": VIEWER,
    "saved_queries.delete": VIEWER,
    # Reading and querying.
    "dashboard.index": VIEWER,
    "expiring.index": VIEWER,
    "agreements.index": VIEWER,
    "agreements.detail": VIEWER,
    "agreements.timeline": VIEWER,
    "agreements.facets": VIEWER,
    "parties.index": VIEWER,
    "parties.detail": VIEWER,
    "sources.index": VIEWER,
    "sources.detail": VIEWER,
    "sources.links_to_look_at": VIEWER,
    "sectors.index": VIEWER,
    # The pickers' look-ups (names, titles and numbers of what the reader may see anyway).
    "lookup.parties": VIEWER,
    "lookup.agreements": VIEWER,
    "lookup.sources": VIEWER,
    # Everyone who can see a record can see its history; the feed over all records is the admins'.
    "history.agreement": VIEWER,
    "history.party": VIEWER,
    "history.source": VIEWER,
    "history.sector": VIEWER,
    "history.glossary_entry": VIEWER,
    "history.action": VIEWER,
    "history.activity": ADMIN,
    # Creating, editing, linking and archiving.
    "agreements.new": EDITOR,
    "agreements.create": EDITOR,
    "agreements.edit": EDITOR,
    "agreements.update": EDITOR,
    "agreements.confirm_delete": EDITOR,
    "agreements.delete": EDITOR,
    "agreements.add_relation": EDITOR,
    "agreements.remove_relation": EDITOR,
    # Bulk actions: anyone who reads may choose and export a selection; each change follows its own rule for one
    # agreement (tracker/web/bulk_actions.py RULE_OF: archiving as agreements.delete), checked again per action.
    "bulk_actions.confirm": VIEWER,
    "bulk_actions.apply": EDITOR,
    # Owners and follow-up actions (issue 15): everyone sees their own agreements; editors manage actions.
    "mine.index": VIEWER,
    # Background jobs (issue 16): one's own jobs (admins see all, tracker/web/jobs.py); a large export becomes one.
    "jobs.index": VIEWER,
    "jobs.detail": VIEWER,
    "jobs.status": VIEWER,
    "jobs.download": VIEWER,
    "exports.agreements_job": VIEWER,
    "actions.create": EDITOR,
    "actions.edit": EDITOR,
    "actions.update": EDITOR,
    "actions.set_status": EDITOR,
    # Documents of an agreement (issue 17): whoever sees the agreement downloads them; editors attach, archive and
    # check the record against what a document's text suggests.
    "documents.download": VIEWER,
    "history.document": VIEWER,
    "documents.attach": EDITOR,
    "documents.archive": EDITOR,
    "documents.suggestions": EDITOR,
    "documents.fill": EDITOR,
    # Conflicting reports (issue 17): whoever sees the agreements sees where their evidence disagrees; editors
    # resolve.
    "conflict_reports.index": VIEWER,
    "conflict_reports.detail": VIEWER,
    "conflict_reports.resolve": EDITOR,
    # Facts cited to sources and documents (issue 17): everyone sees the citations and a source's kept texts; editors
    # cite, change and remove.
    "sources.snapshot": VIEWER,
    "citations.new": EDITOR,
    "citations.create": EDITOR,
    "citations.edit": EDITOR,
    "citations.update": EDITOR,
    "citations.confirm_remove": EDITOR,
    "citations.remove": EDITOR,
    # Recording what happened (issue 15): a renewal, a termination, a non-renewal are edits of the agreement.
    "outcomes.renewal": EDITOR,
    "outcomes.save_renewal": EDITOR,
    "outcomes.termination": EDITOR,
    "outcomes.save_termination": EDITOR,
    "outcomes.non_renewal": EDITOR,
    "outcomes.save_non_renewal": EDITOR,
    "parties.new": EDITOR,
    "parties.create": EDITOR,
    "parties.edit": EDITOR,
    "parties.update": EDITOR,
    "parties.confirm_delete": EDITOR,
    "parties.delete": EDITOR,
    "sources.new": EDITOR,
    "sources.create": EDITOR,
    "sources.edit": EDITOR,
    "sources.update": EDITOR,
    "sources.delete": EDITOR,
    "sources.destroy": EDITOR,
    "sources.link_from_source": EDITOR,
    "sources.save_link_from_source": EDITOR,
    "sources.link_to_agreement": EDITOR,
    "sources.save_link_to_agreement": EDITOR,
    "sources.edit_link": EDITOR,
    "sources.save_link_note": EDITOR,
    "sources.unlink": EDITOR,
    "ingest.add": EDITOR,
    "ingest.read": EDITOR,
    "ingest.confirm": EDITOR,
    "ingest.refetch": EDITOR,
    # What a typed date is read as, shown under the date inputs of the forms above.
    "dates.reading": EDITOR,
    # Import and export: anyone who reads may export what a list shows; importing is editors' work, and
    # deleting a saved import preset (which other editors may use) the admins'.
    "exports.agreements": VIEWER,
    "exports.parties": VIEWER,
    "exports.sources": VIEWER,
    "imports.start": EDITOR,
    "imports.upload": EDITOR,
    "imports.mapping": EDITOR,
    "imports.preview": EDITOR,
    "imports.commit": EDITOR,
    "imports.save_preset": EDITOR,
    "imports.delete_preset": ADMIN,
    # The sector vocabulary is the admins'.
    "sectors.new": ADMIN,
    "sectors.create": ADMIN,
    "sectors.edit": ADMIN,
    "sectors.update": ADMIN,
    "sectors.confirm_delete": ADMIN,
    "sectors.delete": ADMIN,
    # The search glossary is read by everyone and kept by the admins, as the sector vocabulary.
    "glossary.index": VIEWER,
    "glossary.new": ADMIN,
    "glossary.create": ADMIN,
    "glossary.edit": ADMIN,
    "glossary.update": ADMIN,
    "glossary.confirm_delete": ADMIN,
    "glossary.delete": ADMIN,
    # The archive: editors open it and archived records' pages, admins restore.
    "archive.index": EDITOR,
    "archive.restore_agreement": ADMIN,
    "archive.restore_party": ADMIN,
    "archive.restore_source": ADMIN,
    "archive.restore_sector": ADMIN,
    "archive.restore_document": ADMIN,
    # User administration is the admins'.
    "users.index": ADMIN,
    "users.new": ADMIN,
    "users.create": ADMIN,
    "users.detail": ADMIN,
    "users.change_role": ADMIN,
    "users.deactivate": ADMIN,
    "users.reactivate": ADMIN,
    "users.password": ADMIN,
    "users.reset_password": ADMIN,
    # The schedules (issue 16): their page and Run now are the admins'.
    "schedules.index": ADMIN,
    "schedules.run_now": ADMIN,
    # The news inbox (issue 17): admins register the feeds; editors triage what they bring.
    "newsfeeds.index": ADMIN,
    "newsfeeds.create": ADMIN,
    "newsfeeds.edit": ADMIN,
    "newsfeeds.update": ADMIN,
    "newsfeeds.fetch_now": ADMIN,
    "newsfeeds.score_again": ADMIN,
    "inbox.index": EDITOR,
    "inbox.review": EDITOR,
    "inbox.dismiss": EDITOR,
    # The JSON API (tracker/api): the same rules, with the bearer token's user; its description is public.
    "api.openapi": PUBLIC,
    "api.list_agreements": VIEWER,
    "api.get_agreement": VIEWER,
    "api.create_agreement": EDITOR,
    "api.update_agreement": EDITOR,
    "api.archive_agreement": EDITOR,
    "api.bulk_agreements": EDITOR,
    "api.restore_agreement": ADMIN,
    "api.list_links": VIEWER,
    "api.get_link": VIEWER,
    "api.create_link": EDITOR,
    "api.update_link": EDITOR,
    "api.delete_link": EDITOR,
    "api.list_actions": VIEWER,
    "api.get_action": VIEWER,
    "api.create_action": EDITOR,
    "api.update_action": EDITOR,
    "api.cancel_action": EDITOR,
    "api.list_citations": VIEWER,
    "api.get_citation": VIEWER,
    "api.create_citation": EDITOR,
    "api.update_citation": EDITOR,
    "api.delete_citation": EDITOR,
    "api.list_documents": VIEWER,
    "api.list_conflicts": VIEWER,
    "api.get_conflict": VIEWER,
    "api.resolve_conflict": EDITOR,
    "api.get_document": VIEWER,
    "api.download_document": VIEWER,
    "api.upload_document": EDITOR,
    "api.archive_document": EDITOR,
    "api.restore_document": ADMIN,
    "api.document_suggestions": EDITOR,
    "api.fill_from_document": EDITOR,
    "api.list_inbox": EDITOR,
    "api.get_inbox_item": EDITOR,
    "api.dismiss_inbox_item": EDITOR,
    "api.link_inbox_item": EDITOR,
    "api.record_renewal": EDITOR,
    "api.record_termination": EDITOR,
    "api.record_non_renewal": EDITOR,
    "api.list_parties": VIEWER,
    "api.get_party": VIEWER,
    "api.create_party": EDITOR,
    "api.update_party": EDITOR,
    "api.archive_party": EDITOR,
    "api.restore_party": ADMIN,
    "api.list_sources": VIEWER,
    "api.get_source": VIEWER,
    "api.create_source": EDITOR,
    "api.update_source": EDITOR,
    "api.archive_source": EDITOR,
    "api.restore_source": ADMIN,
    "api.list_saved_queries": VIEWER,
    "api.get_saved_query": VIEWER,
    "api.create_saved_query": VIEWER,
    "api.update_saved_query": VIEWER,
    "api.delete_saved_query": VIEWER,
    "api.list_sectors": VIEWER,
    "api.get_sector": VIEWER,
    "api.create_sector": ADMIN,
    "api.update_sector": ADMIN,
    "api.archive_sector": ADMIN,
    "api.restore_sector": ADMIN,
}


def rule_for(endpoint: str | None) -> str | UserRole | None:
    """The access rule of an endpoint; None when it has none (and so is refused)."""
    return RULES.get(endpoint or "")


def role_allows(role: UserRole | None, endpoint: str | None) -> bool:
    """Whether a user with `role` (None: not signed in) may call `endpoint`."""
    rule = rule_for(endpoint)
    if rule == PUBLIC:
        return True
    if rule is None or role is None:
        return False
    return rule == SIGNED_IN or role.allows(rule)
