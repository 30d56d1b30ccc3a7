// Recovery against the real broker: a dropped connection resubscribes with `since` and gets exactly what it missed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { BrokerClient } from '../broker-client.js';
import { startBroker } from '../testing/broker-process.js';
import { StablePort } from '../testing/stable-port.js';
import { Inbox, uniqueTopic, waitForState } from '../testing/waiting.js';
import { withTimeout } from '../testing/broker-process.js';

const BOUNDED = { timeout: 120_000 };
const clients = [];
let broker;

before(async () => {
  broker = await startBroker();
}, BOUNDED);

after(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await broker?.kill();
}, BOUNDED);

function client(url) {
  const created = new BrokerClient(url, { WebSocket, backoff: { baseMs: 50, maxMs: 200 } });
  clients.push(created);
  return created;
}

function nextEvent(target, event) {
  let off;
  const fired = new Promise((resolve) => { off = target.on(event, (...args) => resolve(args)); });
  return withTimeout(fired, 15_000, `no ${event} event`).finally(off);
}

test('recovery_ConnectionDroppedWhilePublishing_EveryMessageOnceInOrder', BOUNDED, async () => {
  const topic = uniqueTopic('rec');
  const subscriber = client(broker.wsUrl);
  const publisher = client(broker.wsUrl);
  await Promise.all([subscriber.connect(), publisher.connect()]);
  const inbox = new Inbox();
  await subscriber.subscribe(topic, inbox.handler);
  const epoch = subscriber.epoch(topic);
  for (let i = 1; i <= 5; i++) await publisher.publish(topic, { i });
  await inbox.take(5);

  const recovered = nextEvent(subscriber, 'recovered');
  subscriber._socket.terminate(); // the network drops: 1006, reconnect
  for (let i = 6; i <= 20; i++) await publisher.publish(topic, { i });
  const [, detail] = await recovered;
  for (let i = 21; i <= 25; i++) await publisher.publish(topic, { i });
  const received = await inbox.take(25);

  assert.deepEqual(detail, { recovered: true, epoch, offset: detail.offset });
  assert.deepEqual(received.map((m) => m.offset), Array.from({ length: 25 }, (_, i) => i + 1));
  assert.deepEqual(received.map((m) => m.data.i), Array.from({ length: 25 }, (_, i) => i + 1));
  assert.equal(subscriber.lastOffset(topic), 25);
});

test('history_LastMessages_AscendingWithEpochAndOffset', BOUNDED, async () => {
  const topic = uniqueTopic('hist');
  const c = client(broker.wsUrl);
  await c.connect();
  for (let i = 1; i <= 4; i++) await c.publish(topic, `m${i}`);

  const last = await c.history(topic, { limit: 2 });
  const after = await c.history(topic, { since: { offset: 1, epoch: last.epoch } });

  assert.deepEqual(last.messages, [{ offset: 3, data: 'm3' }, { offset: 4, data: 'm4' }]);
  assert.equal(last.offset, 4);
  assert.deepEqual(after.messages.map((m) => m.offset), [2, 3, 4]);
});

test('recovery_BrokerRestartedWithoutItsPast_RecoveredFalseThenOffsetsFromOne', BOUNDED, async () => {
  // Behind a StablePort: the restarted broker gets a fresh port of its own, the client keeps one address.
  const port = await StablePort.open();
  const own = await startBroker();
  port.forwardTo(own);
  const topic = uniqueTopic('lost');
  const subscriber = client(port.wsUrl);
  await subscriber.connect();
  const inbox = new Inbox();
  await subscriber.subscribe(topic, inbox.handler);
  await subscriber.publish(topic, 'before');
  await inbox.take(1);
  const before = subscriber.epoch(topic);

  const recovered = nextEvent(subscriber, 'recovered');
  await own.kill();
  const again = await startBroker();
  port.forwardTo(again);
  try {
    const [, detail] = await recovered;
    await waitForState(subscriber, 'open');
    await subscriber.publish(topic, 'after');
    const received = await inbox.take(2);

    assert.equal(detail.recovered, false);
    assert.notEqual(subscriber.epoch(topic), before);
    assert.deepEqual(received.map((m) => [m.data, m.offset]), [['before', 1], ['after', 1]]);
  } finally {
    await again.kill();
    await port.close();
  }
});
