// The JS client in Chromium over wss: a self-signed certificate made for this run (trusted by its SPKI hash, nothing
// else is), anonymous connections denied, short-lived tokens from getToken() refreshed before they expire.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launchChromium } from '../chromium.js';
import { startBroker } from '../../../src/broker-client-js/testing/broker-process.js';
import { SECRET, token } from '../../../src/broker-client-js/testing/tokens.js';

const BOUNDED = { timeout: 120_000 };
let broker;
let browser;

before(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'broker-browser-tls-'));
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
  { stdio: 'ignore' });
  const config = path.join(dir, 'broker.hocon');
  writeFileSync(config, `broker.http.tls { certificate = "${cert}", key = "${key}" }
broker.auth { anonymous = deny, jwt { hmac-secret = "${SECRET}", clock-skew-seconds = 0 } }
broker.websocket { ping-interval = 1s, idle-timeout = 8s }
`);
  broker = await startBroker({ args: ['--config', config] });
  // Chromium trusts exactly this certificate: the base64 SHA-256 of its SubjectPublicKeyInfo.
  const spki = new X509Certificate(readFileSync(cert)).publicKey.export({ type: 'spki', format: 'der' });
  browser = await launchChromium([`--ignore-certificate-errors-spki-list=${createHash('sha256').update(spki).digest('base64')}`]);
}, BOUNDED);

after(async () => {
  await browser?.close();
  await broker?.kill();
}, BOUNDED);

test('chromium_WssWithShortLivedTokens_RefreshesAndKeepsDelivering', BOUNDED, async () => {
  assert.match(broker.wsUrl, /^wss:/);
  const page = await (await browser.newContext()).newPage();
  let issued = 0;
  await page.exposeFunction('getToken', () => { issued += 1; return token('alice', 6_000); });
  await page.goto(`${broker.httpUrl}/`);

  const result = await page.evaluate(async (wsUrl) => {
    const { BrokerClient } = await import('/client.js');
    const client = new BrokerClient(wsUrl, { getToken: () => window.getToken(), refreshBeforeMs: 4_000 });
    const states = [];
    client.on('state', (state) => states.push(state));
    await client.connect();
    const received = [];
    await client.subscribe('browser.auth', (data) => received.push(data));
    const firstExpires = client.session.expires;
    // Past the first token's expiry (about 6 s): every refresh has to have worked for the connection to stay.
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    await client.publish('browser.auth', 'after refresh');
    while (received.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    const session = client.session;
    await client.close();
    return { states, received, user: session.user, refreshed: session.expires > firstExpires };
  }, broker.wsUrl);

  assert.deepEqual(result.states.slice(0, 2), ['connecting', 'open']);
  assert.ok(!result.states.includes('reconnecting'), `dropped: ${result.states}`);
  assert.equal(result.user, 'alice');
  assert.ok(result.refreshed);
  assert.deepEqual(result.received, ['after refresh']);
  assert.ok(issued >= 3, `getToken called ${issued} times`);
});
