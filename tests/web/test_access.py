"""The access matrix: every route of the URL map, for every role, answers as this file's table says.

The table below is written out by hand on purpose, apart from tracker/access.py: a new route fails
these tests until someone decides here who may use it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.routing import Rule

from tests.conflict_support import sample_conflict
from tests.conftest import sign_in_client
from tests.inbox_support import inbox_records
from tracker import access, create_app
from tracker.models import (
    AgreementRelation,
    Citation,
    CitedFact,
    Document,
    FollowUpAction,
    GlossaryEntry,
    ImportPreset,
    Job,
    JobState,
    PartyRole,
    RelationKind,
    SavedQuery,
    SnapshotMethod,
    SourceSnapshot,
    UserRole,
)
from tracker.services.calendars import FeedData, create_feed
from tracker.services.tokens import create_token

PUBLIC = "public"
SIGNED_IN = "signed-in"
VIEWER, EDITOR, ADMIN = UserRole.VIEWER, UserRole.EDITOR, UserRole.ADMIN

# Who may use each endpoint: the least role, or anyone signed in, or anyone at all.
EXPECTED: dict[str, str | UserRole] = {
    "static": PUBLIC,
    "health": PUBLIC,
    "auth.sign_in": PUBLIC,
    "auth.submit_sign_in": PUBLIC,
    "sso.start": PUBLIC,
    "sso.callback": PUBLIC,
    "language.choose": PUBLIC,
    "auth.sign_out": SIGNED_IN,
    "auth.password": SIGNED_IN,
    "auth.change_password": SIGNED_IN,
    # One's own API tokens and the API's pages for people.
    "tokens.index": SIGNED_IN,
    "tokens.create": SIGNED_IN,
    "tokens.revoke": SIGNED_IN,
    "api_docs.index": SIGNED_IN,
    "api_docs.reference": SIGNED_IN,
    # Expiry alerts: one's own calendar feeds and digest settings; the feed is opened by its secret token.
    "calendars.index": SIGNED_IN,
    "calendars.new": SIGNED_IN,
    "calendars.create": SIGNED_IN,
    "calendars.revoke": SIGNED_IN,
    "calendars.feed": PUBLIC,
    "digest.settings": SIGNED_IN,
    "digest.save": SIGNED_IN,
    "digest.send": SIGNED_IN,
    "digest.send_all": ADMIN,
    # Reading.
    "saved_queries.index": VIEWER,
    "saved_queries.new": VIEWER,
    "saved_queries.create": VIEWER,
    "saved_queries.edit": VIEWER,
    "saved_queries.update": VIEWER,
    "saved_queries.delete": VIEWER,
    "dashboard.index": VIEWER,
    "expiring.index": VIEWER,
    "agreements.index": VIEWER,
    "agreements.detail": VIEWER,
    "agreements.timeline": VIEWER,
    "agreements.facets": VIEWER,
    "lookup.parties": VIEWER,
    "lookup.agreements": VIEWER,
    "lookup.sources": VIEWER,
    "parties.index": VIEWER,
    "parties.detail": VIEWER,
    "sources.index": VIEWER,
    "sources.detail": VIEWER,
    "sources.links_to_look_at": VIEWER,
    "sectors.index": VIEWER,
    "glossary.index": VIEWER,
    # A record's history is for whoever may see the record; the activity feed over all records is the admins'.
    "history.agreement": VIEWER,
    "history.party": VIEWER,
    "history.source": VIEWER,
    "history.sector": VIEWER,
    "history.glossary_entry": VIEWER,
    "history.action": VIEWER,
    "history.activity": ADMIN,
    # Owners and follow-up actions: one's own agreements for everyone who reads; actions are editors' work.
    "mine.index": VIEWER,
    "jobs.index": VIEWER,
    "jobs.detail": VIEWER,
    "jobs.status": VIEWER,
    "jobs.download": VIEWER,
    "exports.agreements_job": VIEWER,
    "actions.create": EDITOR,
    "actions.edit": EDITOR,
    "actions.update": EDITOR,
    "actions.set_status": EDITOR,
    "documents.download": VIEWER,
    "history.document": VIEWER,
    "documents.attach": EDITOR,
    "documents.archive": EDITOR,
    "documents.suggestions": EDITOR,
    "documents.fill": EDITOR,
    "conflict_reports.index": VIEWER,
    "conflict_reports.detail": VIEWER,
    "conflict_reports.resolve": EDITOR,
    # Citations (issue 17): read by everyone with the source's kept texts, written by editors.
    "sources.snapshot": VIEWER,
    "citations.new": EDITOR,
    "citations.create": EDITOR,
    "citations.edit": EDITOR,
    "citations.update": EDITOR,
    "citations.confirm_remove": EDITOR,
    "citations.remove": EDITOR,
    # Recording a renewal, a termination or a non-renewal changes the agreement: editors' work.
    "outcomes.renewal": EDITOR,
    "outcomes.save_renewal": EDITOR,
    "outcomes.termination": EDITOR,
    "outcomes.save_termination": EDITOR,
    "outcomes.non_renewal": EDITOR,
    "outcomes.save_non_renewal": EDITOR,
    # Creating, editing, linking, archiving.
    "agreements.new": EDITOR,
    "agreements.create": EDITOR,
    "agreements.edit": EDITOR,
    "agreements.update": EDITOR,
    "agreements.confirm_delete": EDITOR,
    "agreements.delete": EDITOR,
    "agreements.add_relation": EDITOR,
    "agreements.remove_relation": EDITOR,
    "bulk_actions.confirm": VIEWER,
    "bulk_actions.apply": EDITOR,
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
    # Adding sources from the news: reading a page and its review are editors' work.
    "ingest.add": EDITOR,
    "ingest.read": EDITOR,
    "ingest.confirm": EDITOR,
    "ingest.refetch": EDITOR,
    "dates.reading": EDITOR,
    # Import and export: viewers export, editors import and save presets, admins delete presets.
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
    # Editors see what was archived; only admins bring it back.
    "archive.index": EDITOR,
    "archive.restore_agreement": ADMIN,
    "archive.restore_party": ADMIN,
    "archive.restore_source": ADMIN,
    "archive.restore_sector": ADMIN,
    "archive.restore_document": ADMIN,
    # The sector vocabulary and the accounts are the admins'.
    "sectors.new": ADMIN,
    "sectors.create": ADMIN,
    "sectors.edit": ADMIN,
    "sectors.update": ADMIN,
    "sectors.confirm_delete": ADMIN,
    "sectors.delete": ADMIN,
    # The search glossary: read by everyone, kept by the admins.
    "glossary.new": ADMIN,
    "glossary.create": ADMIN,
    "glossary.edit": ADMIN,
    "glossary.update": ADMIN,
    "glossary.confirm_delete": ADMIN,
    "glossary.delete": ADMIN,
    "users.index": ADMIN,
    "users.new": ADMIN,
    "users.create": ADMIN,
    "users.detail": ADMIN,
    "users.change_role": ADMIN,
    "users.deactivate": ADMIN,
    "users.reactivate": ADMIN,
    "users.password": ADMIN,
    "users.reset_password": ADMIN,
    # The schedules page and its Run now are the admins'.
    "schedules.index": ADMIN,
    "schedules.run_now": ADMIN,
    # The news inbox: admins register feeds and fetch them now; editors triage the items.
    "newsfeeds.index": ADMIN,
    "newsfeeds.create": ADMIN,
    "newsfeeds.edit": ADMIN,
    "newsfeeds.update": ADMIN,
    "newsfeeds.fetch_now": ADMIN,
    "newsfeeds.score_again": ADMIN,
    "inbox.index": EDITOR,
    "inbox.review": EDITOR,
    "inbox.dismiss": EDITOR,
    # The JSON API answers the bearer token's user by the same rules; its OpenAPI document is public.
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

ROLES: list[UserRole | None] = [None, VIEWER, EDITOR, ADMIN]  # None: not signed in


def url_rules() -> list[Rule]:
    """The URL map's rules, read from an app that never touches its database."""
    app = create_app({"TESTING": True, "SECRET_KEY": "rules", "DATABASE_URL": "sqlite://"})
    rules = sorted(app.url_map.iter_rules(), key=lambda rule: (rule.endpoint, rule.rule))
    app.extensions["tracker.engine"].dispose()
    return rules


RULES = url_rules()
CASES = [
    pytest.param(rule, method, id=f"{rule.endpoint}-{method}")
    for rule in RULES
    if rule.endpoint != "static"  # needs a file name, not an id: tested on its own below
    for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
]


@pytest.fixture
def records(session, make_agreement, make_party, make_source, get_sector, make_user) -> dict[str, Any]:
    """One real record of each kind a URL can name, by the URL argument that names it."""
    party = make_party()
    sector = get_sector("electric-vehicles")
    agreement = make_agreement(parties=[(party, PartyRole.SIGNATORY)], sectors=[sector])
    older = make_agreement(title="Technology development cooperation 2006")
    source = make_source(agreements=[(agreement, "Reports the plan to extend.")])
    relation = AgreementRelation(subject=agreement, object=older, kind=RelationKind.RENEWS)
    action = FollowUpAction(agreement=agreement, title="Annual implementation report")
    document = Document(
        agreement=agreement, filename="MoU.pdf", media_type="application/pdf", size=5, sha256="0" * 64, text="MoU"
    )
    snapshot = SourceSnapshot(source=source, method=SnapshotMethod.PASTE, text="Kerja sama 2006-2018", content_hash="0")
    citation = Citation(agreement=agreement, fact=CitedFact.END, source=source, snapshot=snapshot, quote="2006–2018")
    conflict = sample_conflict(agreement, source)
    session.add_all([relation, action, document, citation, conflict])
    session.commit()
    target = make_user(UserRole.VIEWER, email="target@kemenperin.example")
    preset = ImportPreset(name="Access test", mapping={})
    session.add(preset)
    feed, token = create_feed(session, target, FeedData(name="Ends", query="", lead_months=[6]))
    saved = SavedQuery(owner_id=target.id, name="Target's own", query="sector=electric-vehicles")
    session.add(saved)
    job = Job(kind="agreement_export", parameters={}, user=target, state=JobState.QUEUED, done=0, message="")
    session.add(job)
    session.commit()
    return {
        "agreement_id": agreement.id,
        "party_id": party.id,
        "source_id": source.id,
        "sector_id": sector.id,
        "entry_id": session.scalars(select(GlossaryEntry).order_by(GlossaryEntry.id)).first().id,
        "relation_id": relation.id,
        "action_id": action.id,
        "document_id": document.id,
        "citation_id": citation.id,
        "snapshot_id": snapshot.id,
        "user_id": target.id,
        "token_id": create_token(session, target)[0].id,
        "preset_id": preset.id,
        "upload_token": "no-such-upload",
        "feed_id": feed.id,
        "job_id": job.id,
        "conflict_id": conflict.id,
        "saved_id": saved.id,  # personal to another user: 404 for everyone who may use the route
        "token": token,
        "name": "purge",  # a schedule
        **inbox_records(session),
    }


def url_for_rule(rule: Rule, records: dict[str, Any]) -> str:
    """The rule's URL with every argument filled from a real record; an unknown argument fails the test."""
    unknown = sorted(set(rule.arguments) - set(records))
    if unknown:
        pytest.fail(f"{rule.endpoint}: no record for URL argument(s) {unknown}; add them to `records`")
    _, url = rule.build({name: records[name] for name in rule.arguments})
    return url


@pytest.fixture
def client_for(app: Flask, session, make_user) -> Callable[[UserRole | None], Any]:
    """A client signed in with the role, or an anonymous one for None; it also sends the user's API token."""

    def make(role: UserRole | None):
        client = app.test_client()
        if role is None:
            return client
        user = make_user(role)
        _token, text = create_token(session, user)
        session.commit()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {text}"  # the JSON API knows only tokens
        return sign_in_client(client, user)

    return make


def needed(endpoint: str) -> str | UserRole:
    """The table's rule for an endpoint; a route missing from the table fails the test."""
    if endpoint not in EXPECTED:
        pytest.fail(f"{endpoint} has no rule in tests/web/test_access.py EXPECTED: decide who may use it")
    return EXPECTED[endpoint]


def may(role: UserRole | None, rule: str | UserRole) -> bool:
    """Whether the role may use an endpoint with this rule, by the table's meaning."""
    if rule == PUBLIC:
        return True
    if role is None:
        return False
    return rule == SIGNED_IN or role.rank >= rule.rank


def check_answer(response, role: UserRole | None, rule: str | UserRole, what: str) -> None:
    """Refused as the table says, or let through to an answer that is neither a refusal nor a crash."""
    status = response.status_code
    location = response.headers.get("Location", "")
    if not may(role, rule) and role is None:
        assert (status == 302 and location.startswith("/sign-in")) or status == 401, f"{what}: {status} {location}"
    elif not may(role, rule):
        assert status == 403, f"{what}: {status}"
    else:
        assert status not in (401, 403) and status < 500, f"{what}: {status}"


@pytest.mark.parametrize(("rule", "method"), CASES)
def test_access_matrix(rule: Rule, method: str, records, client_for):
    expected = needed(rule.endpoint)
    url = url_for_rule(rule, records)
    for role in ROLES:
        response = client_for(role).open(url, method=method, data={})
        check_answer(response, role, expected, f"{method} {url} as {role.value if role else 'anonymous'}")
        response.close()  # a streamed download left open would end its request later, inside another test's


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role.value if role else "anonymous")
def test_static_files_are_public(client_for, role):
    response = client_for(role).get("/static/css/tracker.css")
    assert response.status_code == 200
    response.close()


def test_every_route_has_a_rule_in_the_access_table():
    endpoints = {rule.endpoint for rule in RULES}
    assert sorted(endpoints - set(access.RULES)) == [], "routes the server would refuse to everyone"
    assert sorted(set(access.RULES) - endpoints) == [], "rules for endpoints that no longer exist"


def test_every_route_has_a_rule_in_this_test():
    endpoints = {rule.endpoint for rule in RULES}
    assert sorted(endpoints - set(EXPECTED)) == [], "add these endpoints to EXPECTED in tests/web/test_access.py"
    assert sorted(set(EXPECTED) - endpoints) == [], "EXPECTED names endpoints that no longer exist"


def test_access_table_agrees_with_this_test():
    """The same decision written twice; the matrix above checks what the server really does."""
    assert {endpoint: str(rule) for endpoint, rule in access.RULES.items()} == {
        endpoint: str(rule) for endpoint, rule in EXPECTED.items()
    }


def test_unknown_endpoint_is_refused_to_everyone():
    """Fail closed: an endpoint without a rule is refused even to admins."""
    assert not access.role_allows(ADMIN, "no.such_endpoint")
    assert not access.role_allows(None, "no.such_endpoint")
    assert not access.role_allows(ADMIN, None)
