"""Who may call which endpoint: the one table the server enforces on every request.

Every endpoint of the app must appear here. A request to an endpoint missing from the table is
refused (fail closed), and tests/test_access.py fails for any route of the URL map without a rule.
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
    "auth.sign_out": SIGNED_IN,
    "auth.password": SIGNED_IN,
    "auth.change_password": SIGNED_IN,
    # Reading and querying.
    "dashboard.index": VIEWER,
    "expiring.index": VIEWER,
    "agreements.index": VIEWER,
    "agreements.detail": VIEWER,
    "parties.index": VIEWER,
    "parties.detail": VIEWER,
    "sources.index": VIEWER,
    "sources.detail": VIEWER,
    "sectors.index": VIEWER,
    # Everyone who can see a record can see its history; the feed over all records is the admins'.
    "history.agreement": VIEWER,
    "history.party": VIEWER,
    "history.source": VIEWER,
    "history.sector": VIEWER,
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
    # The sector vocabulary is the admins'.
    "sectors.new": ADMIN,
    "sectors.create": ADMIN,
    "sectors.edit": ADMIN,
    "sectors.update": ADMIN,
    "sectors.confirm_delete": ADMIN,
    "sectors.delete": ADMIN,
    # The archive: editors open it and archived records' pages, admins restore.
    "archive.index": EDITOR,
    "archive.restore_agreement": ADMIN,
    "archive.restore_party": ADMIN,
    "archive.restore_source": ADMIN,
    "archive.restore_sector": ADMIN,
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
