// An independent OpenID Connect provider for Portal's interop test: `oidc-provider` (OpenID
// Certified), configured the way a real deployment registers the portal SPA.
//
//   PORT=<port> PORTAL_URL=http://127.0.0.1:<portal port> node provider.mjs
//
// - issuer http://127.0.0.1:<PORT>, RS256 signing key generated at start;
// - one public client `portal` (no secret, PKCE S256 required) with the portal's exact
//   redirect URI and post-logout URI, CORS for the portal's origin only;
// - JWT access tokens for the Portal API's audience `api://portal` through resource indicators
//   (RFC 8707), defaulted, so the SPA needs no provider-specific parameter;
// - users behind a small login form: by default one, whose account id is a user id of Portal's
//   demo tenant, so the Portal API maps the token's `sub` to that user; USERS (JSON, a list of
//   {login, password, accountId, name}) replaces them — e.g. the fake Graph's people, whose
//   account ids are their Entra object ids.
//
// Prints "interop provider listening on <issuer>" when ready.

import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import Provider from 'oidc-provider';

const PORT = Number(process.env.PORT || 0);
const PORTAL_URL = (process.env.PORTAL_URL || '').replace(/\/$/, '');
if (!PORT || !PORTAL_URL) {
  console.error('set PORT and PORTAL_URL');
  process.exit(2);
}
const PORTAL_ORIGIN = new URL(PORTAL_URL).origin;
const ISSUER = `http://127.0.0.1:${PORT}`;
const API = 'api://portal';
const API_SCOPE = `${API}/access_as_user`;

const USERS = process.env.USERS
  ? JSON.parse(process.env.USERS)
  : [{ login: 'amara.okoye@contoso.example', password: 'Portal-Demo-2026!', accountId: 'u-amara', name: 'Amara Okoye' }];
const byId = (id) => USERS.find((u) => u.accountId === id);

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'interop-rs256', alg: 'RS256', use: 'sig' };

const provider = new Provider(ISSUER, {
  clients: [
    {
      client_id: 'portal',
      token_endpoint_auth_method: 'none',
      application_type: 'web',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [`${PORTAL_URL}/auth/callback`],
      post_logout_redirect_uris: [`${PORTAL_URL}/`],
    },
  ],
  jwks: { keys: [signingKey] },
  cookies: { keys: ['portal-interop-test-only'] },
  pkce: { required: () => true },
  clientBasedCORS: (_ctx, origin) => origin === PORTAL_ORIGIN,
  claims: { openid: ['sub'], profile: ['name'] },
  scopes: ['openid', 'profile', 'offline_access'],
  findAccount: (_ctx, id) =>
    byId(id) ? { accountId: id, claims: () => ({ sub: id, name: byId(id).name }) } : undefined,
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  features: {
    devInteractions: { enabled: false },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => API,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, resource) => {
        if (resource !== API) throw new Provider.errors.InvalidTarget();
        return { scope: API_SCOPE, audience: API, accessTokenFormat: 'jwt', accessTokenTTL: 600, jwt: { sign: { alg: 'RS256' } } };
      },
    },
  },
  ttl: { AccessToken: 600, IdToken: 600, AuthorizationCode: 60, Session: 3600, Interaction: 600, Grant: 3600, RefreshToken: 86400 },
});

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid, error) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Interop provider sign-in</title></head>
<body><h1>Interop provider</h1>${error ? `<p class="error">${esc(error)}</p>` : ''}
<form method="post" action="/interaction/${esc(uid)}/login">
<label>Email <input type="text" id="username" name="username" autocomplete="username"></label>
<label>Password <input type="password" id="password" name="password" autocomplete="current-password"></label>
<button type="submit">Sign in</button></form></body></html>`;
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

/** The login form, then consent granted automatically for what the client asked. */
async function interaction(req, res) {
  const url = new URL(req.url, ISSUER);
  const [, , uid, action] = url.pathname.split('/');
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('interaction mismatch');

  if (details.prompt.name === 'login') {
    if (req.method === 'POST' && action === 'login') {
      const form = await readForm(req);
      const user = USERS.find((u) => u.login === form.get('username') && u.password === form.get('password'));
      if (user) {
        return provider.interactionFinished(req, res, { login: { accountId: user.accountId } }, { mergeWithLastSubmission: false });
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(loginPage(uid, 'Wrong email or password.'));
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    return res.end(loginPage(uid));
  }

  if (details.prompt.name === 'consent') {
    const { missingOIDCScope = [], missingOIDCClaims = [], missingResourceScopes = {} } = details.prompt.details;
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
    if (missingOIDCScope.length) grant.addOIDCScope(missingOIDCScope.join(' '));
    if (missingOIDCClaims.length) grant.addOIDCClaims(missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missingResourceScopes)) grant.addResourceScope(indicator, scopes.join(' '));
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }
  res.writeHead(400, { 'content-type': 'text/plain' });
  res.end(`unsupported prompt ${details.prompt.name}`);
}

const callback = provider.callback();
const server = http.createServer((req, res) => {
  if (req.url.startsWith('/interaction/')) {
    interaction(req, res).catch((err) => {
      console.error(err);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err && err.message));
    });
  } else {
    callback(req, res);
  }
});
server.listen(PORT, '127.0.0.1', () => console.log(`interop provider listening on ${ISSUER}`));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
