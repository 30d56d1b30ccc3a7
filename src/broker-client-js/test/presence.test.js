// Presence against the real broker (docs/protocol.md, Presence): presence(), presenceStats(), join and leave events.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { BrokerClient, BrokerError } from '../broker-client.js';
import { startBroker, withTimeout } from '../testing/broker-process.js';
import { SECRET, token } from '../testing/tokens.js';
import { uniqueTopic } from '../testing/waiting.js';

const BOUNDED = { timeout: 120_000 };
const clients = [];
let broker;

// Presence and join-leave on for room.>; anonymous connections allowed, tokens give users.
function presenceConfigFile() {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'broker-js-presence-')), 'presence.hocon');
  writeFileSync(file, `broker.namespaces.rooms { topics = "room.>", presence = on, join-leave = on }
broker.auth.jwt.hmac-secret = "${SECRET}"
`);
  return file;
}

before(async () => {
  broker = await startBroker({ args: ['--config', presenceConfigFile()] });
}, BOUNDED);

after(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await broker?.kill();
}, BOUNDED);

function client(user) {
  const options = { WebSocket, backoff: { baseMs: 50, maxMs: 200 } };
  if (user) options.getToken = () => token(user, 3_600_000);
  const created = new BrokerClient(broker.wsUrl, options);
  clients.push(created);
  return created;
}

/** Collects join/leave events of `target` in order; `take(n)` resolves with the first n. */
function events(target) {
  const seen = [];
  const waiters = [];
  const record = (type) => (topic, member) => {
    seen.push({ type, topic, ...member });
    for (const waiter of waiters.filter((w) => seen.length >= w.count)) waiter.resolve(seen.slice(0, waiter.count));
  };
  target.on('join', record('join'));
  target.on('leave', record('leave'));
  return {
    take(count) {
      if (seen.length >= count) return Promise.resolve(seen.slice(0, count));
      return withTimeout(new Promise((resolve) => waiters.push({ count, resolve })), 15_000, `fewer than ${count} join/leave events`);
    },
  };
}

test('presence_ThreeClientsTwoUsers_ListsThemAndStatsCountDistinctUsers', BOUNDED, async () => {
  const topic = uniqueTopic('room');
  const members = [client('ann'), client('ann'), client()];
  await Promise.all(members.map((c) => c.connect()));
  for (const member of members) await member.subscribe(topic, () => {});
  const observer = client('obs');
  await observer.connect();

  const presence = await observer.presence(topic);
  const stats = await observer.presenceStats(topic);

  assert.equal(presence.topic, topic);
  assert.deepEqual(presence.clients.map((c) => c.user).sort(), ['ann', 'ann', null]);
  assert.deepEqual(new Set(presence.clients.map((c) => c.client)).size, 3);
  assert.ok(presence.clients.some((c) => c.client === members[0].session.client), 'the connected reply\'s client id');
  assert.deepEqual(stats, { topic, clients: 3, users: 1 });
});

test('joinLeave_AnotherClientComesAndGoes_JoinThenLeaveWithItsClientAndUser', BOUNDED, async () => {
  const topic = uniqueTopic('room');
  const watcher = client();
  await watcher.connect();
  await watcher.subscribe(topic, () => {});
  const seen = events(watcher);
  const bob = client('bob');
  await bob.connect();

  const unsubscribe = await bob.subscribe(topic, () => {});
  await unsubscribe();
  await bob.subscribe(topic, () => {});
  const id = bob.session.client;
  await bob.close();

  const received = await seen.take(4);
  assert.deepEqual(received, ['join', 'leave', 'join', 'leave'].map((type) => ({ type, topic, client: id, user: 'bob' })));
});

test('presence_NamespaceWithPresenceOff_RejectsNotAvailable', BOUNDED, async () => {
  const plain = client();
  await plain.connect();

  await assert.rejects(plain.presence(uniqueTopic('news')), (error) => error instanceof BrokerError && error.code === 'not_available');
  await assert.rejects(plain.presenceStats(uniqueTopic('news')), (error) => error.code === 'not_available');
});
