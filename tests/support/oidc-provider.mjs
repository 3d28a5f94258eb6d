// A real OpenID Connect provider for the console's sign-in tests: `oidc-provider` (the certified
// Node implementation), in a process of its own (it is an ES module; jest's module system is not),
// on a free port of 127.0.0.1. Its configuration comes as JSON in OIDC_TEST_CONFIG:
//   { clients: [...client metadata], accounts: { <id>: { ...claims } } }
// The only thing of ours is the login screen: `GET /interaction/<uid>?login=<account id>` signs
// that account in and grants the scopes asked (what a person would do by typing a password and
// consenting). Prints one line of JSON, { "issuer": "http://127.0.0.1:<port>" }, once listening.
import http from 'node:http';
import Provider from 'oidc-provider';

const config = JSON.parse(process.env.OIDC_TEST_CONFIG ?? '{}');
const accounts = config.accounts ?? {};

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: config.clients ?? [],
  async findAccount(_ctx, id) {
    if (!Object.hasOwn(accounts, id)) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...accounts[id] }) };
  },
  claims: { openid: ['sub'], profile: ['name', 'locale'], email: ['email'], masar: ['roles', 'unit'] },
  scopes: ['openid', 'profile', 'email', 'masar'],
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: ['masar-test-provider-cookie-key-0123456789'] },
  ttl: { Session: 600, Interaction: 600, Grant: 600, AccessToken: 600, AuthorizationCode: 60, IdToken: 600 },
});

const callback = provider.callback();
server.on('request', (req, res) => {
  const url = new URL(req.url ?? '/', issuer);
  if (!url.pathname.startsWith('/interaction/')) return callback(req, res);
  (async () => {
    const details = await provider.interactionDetails(req, res);
    const login = url.searchParams.get('login');
    if (!login || !Object.hasOwn(accounts, login)) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('say who signs in: ?login=<account id>');
      return;
    }
    const grant = new provider.Grant({ accountId: login, clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { login: { accountId: login }, consent: { grantId } }, { mergeWithLastSubmission: false });
  })().catch((err) => {
    res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err));
  });
});

process.stdout.write(`${JSON.stringify({ issuer })}\n`);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
