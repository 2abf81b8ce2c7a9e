// A real OpenID Connect provider (the `oidc-provider` package) for the tracker's single sign-on tests.
//
//   node provider.mjs ACCOUNTS.json
//
// It listens on a free port of 127.0.0.1 and prints one line, `issuer http://127.0.0.1:PORT`, once it is ready;
// tests/sso_support.py starts and stops it. Clients are registered by the tests through dynamic client
// registration (POST /reg), each with its own redirect URI. Accounts come from ACCOUNTS.json:
// {"login": {"password": "...", "claims": {"email": ..., "email_verified": ..., "name": ..., "groups": [...]}}}.
//
// A client registered with `test_misbehaviour` gets ID tokens this provider has altered after issuing them,
// signed again with the provider's own key (so only the altered claim is wrong) or with a key it never published,
// or user info about another subject: the relying party must refuse each of them. Nothing else changes.

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';

import * as jose from 'jose';
import Provider, { errors } from 'oidc-provider';

const MISBEHAVIOURS = {
  wrong_audience: (claims) => ({ ...claims, aud: 'another-application' }),
  wrong_issuer: (claims) => ({ ...claims, iss: 'http://127.0.0.1:9/impostor' }),
  expired: (claims) => ({ ...claims, iat: claims.iat - 7200, exp: claims.iat - 3600 }),
  wrong_nonce: (claims) => ({ ...claims, nonce: 'a-nonce-from-another-sign-in' }),
  foreign_key: (claims) => claims, // same claims, signed with a key the provider never published
};
// A client registered with this one gets a user-info answer about someone else than its ID token's subject.
const USERINFO_OF_ANOTHER = 'userinfo_of_another';

const accounts = JSON.parse(readFileSync(process.argv[2], 'utf8'));

const algorithm = 'RS256';
const signingKey = await signingJwk('provider-key');
const foreignKey = await signingJwk('provider-key'); // the same kid: only the signature gives it away

async function signingJwk(kid) {
  const { privateKey } = await jose.generateKeyPair(algorithm, { extractable: true });
  return { ...(await jose.exportJWK(privateKey)), kid, alg: algorithm, use: 'sig' };
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function loginPage(uid, clientId, message) {
  const error = message ? `<p role="alert" class="error">${escapeHtml(message)}</p>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in · Test identity provider</title></head>
<body><main>
<h1>Test identity provider</h1>
<p>Sign in to continue to ${escapeHtml(clientId)}.</p>
${error}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
  <label for="login">Username</label> <input id="login" name="login" autocomplete="username" required>
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <button type="submit">Continue</button>
</form>
<form method="post" action="/interaction/${escapeHtml(uid)}/abort"><button type="submit">Cancel</button></form>
</main></body></html>`;
}

async function formBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(body);
}

// The interaction pages: the login form, its submission, and cancelling (the user says no).
async function interaction(provider, req, res, path) {
  const [, , uid, action] = path.split('/');
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return send(res, 400, 'This sign-in page belongs to another sign-in.');
  if (req.method === 'GET') return send(res, 200, loginPage(uid, details.params.client_id, ''));
  if (req.method === 'POST' && action === 'abort') {
    const result = { error: 'access_denied', error_description: 'The user cancelled the sign-in.' };
    return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  }
  if (req.method === 'POST' && action === 'login') {
    const form = await formBody(req);
    const account = accounts[form.get('login')];
    if (!account || account.password !== form.get('password')) {
      return send(res, 401, loginPage(uid, details.params.client_id, 'Unknown username or wrong password.'));
    }
    return provider.interactionFinished(req, res, { login: { accountId: form.get('login') } }, {
      mergeWithLastSubmission: false,
    });
  }
  return send(res, 405, 'Method not allowed.');
}

// After the token endpoint answered: alter the ID token for a misbehaving client, as a broken or hostile
// provider would.
async function misbehave(ctx, next) {
  await next();
  const name = ctx.oidc?.client?.test_misbehaviour;
  if (ctx.oidc?.route === 'userinfo' && ctx.status === 200 && name === USERINFO_OF_ANOTHER) {
    ctx.body = { ...ctx.body, sub: 'someone-else' };
    return;
  }
  if (ctx.oidc?.route !== 'token' || ctx.status !== 200 || !ctx.body?.id_token || !(name in MISBEHAVIOURS)) return;
  const header = jose.decodeProtectedHeader(ctx.body.id_token);
  const claims = MISBEHAVIOURS[name](jose.decodeJwt(ctx.body.id_token));
  const key = await jose.importJWK(name === 'foreign_key' ? foreignKey : signingKey, algorithm);
  ctx.body = { ...ctx.body, id_token: await new jose.SignJWT(claims).setProtectedHeader(header).sign(key) };
}

function configuration() {
  return {
    clients: [],
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomUUID()] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    scopes: ['openid', 'email', 'profile', 'groups'],
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: true },
    },
    pkce: { required: () => true },
    extraClientMetadata: {
      properties: ['test_misbehaviour'],
      validator(_ctx, key, value) {
        const known = [...Object.keys(MISBEHAVIOURS), USERINFO_OF_ANOTHER];
        if (key === 'test_misbehaviour' && value !== undefined && !known.includes(value)) {
          throw new errors.InvalidClientMetadata(`test_misbehaviour must be one of ${known}`);
        }
      },
    },
    interactions: { url: (_ctx, interactionRecord) => `/interaction/${interactionRecord.uid}` },
    // The tracker is a first-party application: signing in grants what it asks for, with no consent page.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope('openid email profile groups');
      await grant.save();
      return grant;
    },
    async findAccount(_ctx, id) {
      const account = accounts[id];
      if (!account) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...account.claims }) };
    },
    renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Error</title></head><body>
<h1>Error</h1><pre>${escapeHtml(JSON.stringify(out))}</pre></body></html>`;
    },
  };
}

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, configuration());
  provider.use(misbehave);
  const callback = provider.callback();
  server.on('request', (req, res) => {
    const path = new URL(req.url, issuer).pathname;
    if (!path.startsWith('/interaction/')) return callback(req, res);
    return interaction(provider, req, res, path).catch((error) => {
      console.error(error);
      send(res, 500, escapeHtml(error.message));
    });
  });
  process.stdout.write(`issuer ${issuer}\n`);
});

// The tests end the provider with SIGTERM; close at once, without waiting for idle keep-alive connections.
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
