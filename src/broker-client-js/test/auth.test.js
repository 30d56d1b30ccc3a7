// getToken(): connect with a token, refresh before it expires, get a fresh one on reconnect (docs/security.md).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { BrokerClient } from '../broker-client.js';
import { startBroker } from '../testing/broker-process.js';
import { authConfigFile, token } from '../testing/tokens.js';
import { Inbox, uniqueTopic, waitForState } from '../testing/waiting.js';

const BOUNDED = { timeout: 60_000 };

let broker;
const clients = [];

before(async () => {
  broker = await startBroker({ args: ['--config', authConfigFile()] });
}, BOUNDED);

after(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await broker?.kill();
}, BOUNDED);

function client(getToken, options = {}) {
  const c = new BrokerClient(broker.wsUrl, { WebSocket, getToken, backoff: { baseMs: 50, maxMs: 500 }, ...options });
  clients.push(c);
  return c;
}

test('getToken_ShortLivedTokens_RefreshKeepsTheConnectionPastExpiry', BOUNDED, async () => {
  let calls = 0;
  // Each token lives 6 s (whole seconds: 5-6 s); the client refreshes 4 s before expiry but not before halfway, so
  // refreshes come every 2.5-3 s with seconds of margin even on a loaded machine, and the first expiry passes on a
  // refreshed token.
  const c = client(() => { calls += 1; return token('alice', 6_000); }, { refreshBeforeMs: 4_000 });
  const states = [];
  c.on('state', (state) => states.push(state));
  await c.connect();
  assert.equal(c.session.user, 'alice');
  assert.match(c.session.client, /^[0-9a-f]{32}$/);
  const topic = uniqueTopic('auth');
  const inbox = new Inbox();
  await c.subscribe(topic, inbox.handler);

  // Wait for four refreshes (8 s or more, past the first token's expiry), then use the connection.
  const firstExpires = c.session.expires;
  while (calls < 5) await new Promise((resolve) => setTimeout(resolve, 100));
  assert.ok(c.session.expires > firstExpires);
  await c.publish(topic, 'still here');

  const [message] = await inbox.take(1);
  assert.equal(message.data, 'still here');
  assert.deepEqual(states, ['connecting', 'open']); // never dropped
});

test('getToken_TokenExpiresWithoutRefresh_ReconnectsWithAFreshToken', BOUNDED, async () => {
  let calls = 0;
  // refreshBeforeMs 0 and a 2 s token: the refresh would come at expiry; getToken stalls it, so the server closes with
  // 4005 and the client must reconnect, asking for a token again.
  const c = client(async () => {
    calls += 1;
    if (calls === 2) await new Promise((resolve) => setTimeout(resolve, 5_000));
    return token('bob', calls === 1 ? 2_000 : 60_000);
  }, { refreshBeforeMs: 0 });
  const closes = [];
  c.on('state', (state, detail) => { if (state === 'reconnecting') closes.push(detail.code); });
  await c.connect();

  await waitForState(c, 'reconnecting');
  assert.equal(closes[0], 4005);
  await waitForState(c, 'open');
  assert.ok(calls >= 3);
  assert.equal(c.session.user, 'bob');
});
