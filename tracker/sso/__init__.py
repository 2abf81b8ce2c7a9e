"""Single sign-on with OpenID Connect: settings (settings.py), what the claims say (identity.py), the Authlib client
(client.py). The sign-in pages are tracker/web/sso.py; the accounts' side is services/accounts.py `sign_in_verified`.
"""
