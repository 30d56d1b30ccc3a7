// End to end: the admin page (/admin) in headless Chromium against a real two-node cluster on a real redis-server.
// Log in with the admin key, drive a known load, watch the numbers reach it, a chart drawn, a second node appear and,
// once it is stopped, shown as down.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startBroker } from '../../../src/broker-client-js/testing/broker-process.js';
import { freePort, startRedis } from '../support/redis-process.js';

const BOUNDED = { timeout: 180_000 };
const WAIT_MS = 30_000; // cluster formation and the page's 2 s refresh, on a loaded machine
const ADMIN_KEY = 'admin-test-key';
const API_KEY = 'api-test-key';
const SUBSCRIBERS = 4;
const PUBLISHES = 25;

let redis;
let browser;
let config;
const nodes = [];

before(async () => {
  redis = await startRedis();
  const dir = mkdtempSync(path.join(tmpdir(), 'broker-admin-'));
  config = path.join(dir, 'node.hocon');
  writeFileSync(config, `broker.http { admin-key = "${ADMIN_KEY}", api-key = "${API_KEY}" }\n`);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    timeout: 60_000,
  });
}, BOUNDED);

after(async () => {
  await browser?.close();
  for (const node of nodes) await node.kill();
  await redis?.stop();
}, BOUNDED);

async function startNode(clusterPort, seedPort) {
  const node = await startBroker({
    args: ['--config', config, '--redis', redis.endpoint, '--cluster-host', '127.0.0.1',
      '--cluster-port', String(clusterPort), '--seeds', `127.0.0.1:${seedPort}`],
  });
  nodes.push(node);
  return node;
}

const row = (page, port) => page.locator(`#nodes tbody tr[data-address$=":${port}"]`);

test('the admin page shows the cluster live: load, charts, a joining node and a stopped one', BOUNDED, async () => {
  const firstPort = await freePort();
  const first = await startNode(firstPort, firstPort);
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  page.setDefaultTimeout(WAIT_MS);

  // Without the key: 401 from the API, and the page asks for the key.
  const denied = await fetch(`${first.httpUrl}/api/admin/overview`);
  assert.equal(denied.status, 401);
  await page.goto(`${first.httpUrl}/admin`);
  await page.fill('#key-input', 'wrong');
  await page.click('#login-form button[type=submit]');
  await page.locator('#login-error', { hasText: 'admin key' }).waitFor();
  await page.fill('#key-input', ADMIN_KEY);
  await page.click('#login-form button[type=submit]');
  await row(page, firstPort).and(page.locator('[data-state="up"]')).waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem('broker.adminKey')), 'admin-test-key');

  // A known load: SUBSCRIBERS WebSocket subscribers (in another page) and PUBLISHES server publishes.
  const load = await (await browser.newContext()).newPage();
  await load.goto(`${first.httpUrl}/`);
  await load.evaluate(async ({ url, count }) => {
    window.sockets = await Promise.all(Array.from({ length: count }, () => new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      socket.onerror = reject;
      socket.onopen = () => socket.send(JSON.stringify({ type: 'subscribe', id: 1, topic: 'admin.load' }));
      socket.onmessage = (event) => JSON.parse(event.data).type === 'ack' && resolve(socket);
    })));
  }, { url: first.wsUrl, count: SUBSCRIBERS });
  for (let i = 0; i < PUBLISHES; i++) {
    const response = await fetch(`${first.httpUrl}/api/publish`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ topic: 'admin.load', data: { i } }),
    });
    assert.equal(response.status, 200);
  }

  const firstRow = row(page, firstPort);
  await firstRow.locator('.connections', { hasText: String(SUBSCRIBERS) }).waitFor();
  await firstRow.locator('.publishes', { hasText: String(PUBLISHES) }).waitFor();
  await firstRow.locator('.deliveries', { hasText: String(SUBSCRIBERS * PUBLISHES) }).waitFor();
  await firstRow.locator('.backplane', { hasText: 'redis up' }).waitFor();
  await page.locator('#topics tbody tr[data-topic="admin.load"] .subscribers', { hasText: String(SUBSCRIBERS) }).waitFor();
  // A chart is drawn once a few samples exist: a polyline with several points.
  await page.waitForFunction(() => {
    const line = document.querySelector('#chart-deliveryRate polyline');
    return line && line.getAttribute('points').split(' ').length >= 3;
  });

  // A second node joins: it appears, up, with its own stats.
  const secondPort = await freePort();
  const second = await startNode(secondPort, firstPort);
  await row(page, secondPort).and(page.locator('[data-state="up"]')).waitFor();
  await row(page, secondPort).locator('.backplane', { hasText: 'redis up' }).waitFor();
  await page.screenshot({ path: process.env.ADMIN_SCREENSHOT ?? path.join(tmpdir(), 'broker-admin.png'), fullPage: true });

  // Stopped (SIGTERM: it leaves the cluster): shown as down, the first node still up.
  await second.stop();
  await row(page, secondPort).and(page.locator('[data-state="down"]')).waitFor();
  await row(page, firstPort).and(page.locator('[data-state="up"]')).waitFor();
  await load.evaluate(() => window.sockets.forEach((s) => s.close()));
});
