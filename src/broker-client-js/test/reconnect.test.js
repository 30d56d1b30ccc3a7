// Reconnect against the real broker: the broker is SIGKILLed (clients see 1006) and started again. Clients connect
// through a StablePort, which keeps one address across restarts, so no test depends on a freed port staying free.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { BrokerClient } from '../broker-client.js';
import { startBroker } from '../testing/broker-process.js';
import { StablePort } from '../testing/stable-port.js';
import { Inbox, uniqueTopic, waitForState } from '../testing/waiting.js';

// Every network await below is bounded: a test that hangs fails after this long instead.
const BOUNDED = { timeout: 120_000 };

const clients = [];
const brokers = [];
const ports = [];

after(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await Promise.all(brokers.map((broker) => broker.kill()));
  await Promise.all(ports.map((port) => port.close()));
}, BOUNDED);

/** A broker behind a new StablePort: connect clients to `port.wsUrl`, swap brokers with `restart`. */
async function brokerBehindStablePort() {
  const port = await StablePort.open();
  ports.push(port);
  const broker = await startBroker();
  brokers.push(broker);
  port.forwardTo(broker);
  return { port, broker };
}

/** Resolves once `condition()` holds, polling every 10 ms; rejects after `ms`. */
async function until(condition, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Starts a fresh broker (its own port) and points the StablePort at it. */
async function restart(port) {
  const broker = await startBroker();
  brokers.push(broker);
  port.forwardTo(broker);
  return broker;
}

function client(url, backoff = {}, heartbeat = undefined) {
  const created = new BrokerClient(url, { WebSocket, backoff: { baseMs: 50, maxMs: 500, ...backoff }, heartbeat });
  clients.push(created);
  return created;
}

test('reconnect_BrokerKilledAndRestarted_ResubscribesAndSendsQueuedPublish', BOUNDED, async () => {
  const { port, broker: first } = await brokerBehindStablePort();
  const subscriber = client(port.wsUrl);
  const states = [];
  subscriber.on('state', (state, detail) => states.push([state, detail.code]));
  await subscriber.connect();
  const topic = uniqueTopic('re');
  const inbox = new Inbox();
  await subscriber.subscribe(topic, inbox.handler);
  const reconnecting = waitForState(subscriber, 'reconnecting');

  await first.kill();
  assert.equal((await reconnecting).code, 1006);
  const queued = subscriber.publish(topic, 'queued while down');
  await restart(port);
  await waitForState(subscriber, 'open');
  const { offset } = await queued;
  // The queued publish went out right behind the resubscribe; once that is acked, delivery is certain.
  await subscriber.subscribe(topic, inbox.handler);
  const next = await subscriber.publish(topic, 'after reconnect');
  const received = await inbox.until((messages) => messages.some((m) => m.offset === next.offset));

  assert.equal(next.offset, offset + 1);
  assert.deepEqual(received.at(-1), { data: 'after reconnect', topic, offset: next.offset });
  assert.ok(received.every((m) => m.offset === offset || m.offset === next.offset), JSON.stringify(received));
  assert.deepEqual(states.slice(0, 2).map(([state]) => state), ['connecting', 'open']);
  assert.equal(states.at(-1)[0], 'open');
  assert.ok(states.some(([state, code]) => state === 'reconnecting' && code === 1006));
});

test('reconnect_BrokerStoppedGracefully_ReconnectsAfterGoingAwayAndResubscribes', BOUNDED, async () => {
  const { port, broker: first } = await brokerBehindStablePort();
  const subscriber = client(port.wsUrl);
  await subscriber.connect();
  const topic = uniqueTopic('away');
  const inbox = new Inbox();
  await subscriber.subscribe(topic, inbox.handler);
  const reconnecting = waitForState(subscriber, 'reconnecting', 30_000);

  await first.stop();
  const { code } = await reconnecting;
  const second = await restart(port);
  await waitForState(subscriber, 'open');
  // Resolves on the resubscribe's ack (the handler is already registered), so the publish below cannot race it.
  await subscriber.subscribe(topic, inbox.handler);
  const publisher = client(second.wsUrl);
  await publisher.connect();
  const { offset } = await publisher.publish(topic, 'after restart');

  assert.equal(code, 1001);
  assert.deepEqual(await inbox.take(1), [{ data: 'after restart', topic, offset }]);
});

test('reconnect_BrokerKilledMidStream_EveryPublishSettlesAckedOrConnectionLostWithUniqueOffsets', BOUNDED, async () => {
  const broker = await startBroker();
  brokers.push(broker);
  const publisher = client(broker.wsUrl);
  await publisher.connect();
  const topic = uniqueTopic('lost');
  // A steady stream of publishes until the client sees the drop: the kill lands while some are in flight. Publishing
  // stops as the state turns reconnecting (later ones would wait in the queue for a broker that never comes back).
  const outcomes = [];
  const offsets = [];
  let sent = 0;
  const pump = setInterval(() => {
    for (let i = 0; i < 10; i++) {
      outcomes.push(publisher.publish(topic, sent++).then(({ offset }) => { offsets.push(offset); return 'acked'; },
        (error) => error.code));
    }
  }, 5);
  const reconnecting = new Promise((resolve) => publisher.on('state', (state) => {
    if (state !== 'reconnecting') return;
    clearInterval(pump);
    resolve();
  }));

  await until(() => offsets.length >= 50);
  await broker.kill();
  await reconnecting;
  const settled = await Promise.all(outcomes);

  assert.deepEqual(settled.filter((outcome) => outcome !== 'acked' && outcome !== 'connection_lost'), []);
  assert.ok(settled.includes('connection_lost'), 'the kill landed mid-stream: some publishes were in flight');
  assert.equal(new Set(offsets).size, offsets.length, 'every acked offset is unique');
  await publisher.close();
  assert.equal(publisher.state, 'closed');
});

test('connect_NothingListening_KeepsReconnectingUntilTheBrokerStarts', BOUNDED, async () => {
  // Nothing behind the StablePort yet: it resets every connection, as a port with no listener would refuse it (a
  // really free port could be taken by another process before the broker starts on it).
  const port = await StablePort.open();
  ports.push(port);
  const late = client(port.wsUrl);
  const retries = [];
  late.on('state', (state, detail) => state === 'reconnecting' && retries.push(detail));

  const opened = late.connect();
  await waitForState(late, 'reconnecting');
  await restart(port);
  await opened;

  assert.equal(late.state, 'open');
  assert.ok(retries.length > 0);
  assert.ok(retries.every((retry) => retry.code === 1006 && retry.delayMs >= 0 && retry.delayMs < 500));
  // Each failed attempt carries its socket error on the state event (ws reports the reset).
  assert.deepEqual(retries.map((retry) => retry.error?.code), retries.map(() => 'ECONNRESET'));
  assert.deepEqual(retries.map((retry) => retry.attempt), retries.map((_, i) => i + 1));
});

test('reconnect_DropAfterStableConnection_BackoffStartsOverButNotAfterAShortOne', BOUNDED, async () => {
  const { port, broker } = await brokerBehindStablePort();
  const stable = client(port.wsUrl, { resetAfterMs: 0 }); // every open connection counts as stable
  const flaky = client(port.wsUrl, { resetAfterMs: 3_600_000 }); // none does
  const attempts = new Map([[stable, []], [flaky, []]]);
  for (const [c, seen] of attempts) c.on('state', (state, detail) => state === 'reconnecting' && seen.push(detail.attempt));
  await Promise.all([stable.connect(), flaky.connect()]);

  const bothReconnecting = () => Promise.all([waitForState(stable, 'reconnecting'), waitForState(flaky, 'reconnecting')]);
  let dropped = bothReconnecting();
  await broker.kill();
  await dropped;
  const second = await restart(port);
  await Promise.all([waitForState(stable, 'open'), waitForState(flaky, 'open')]);
  const before = new Map([...attempts].map(([c, seen]) => [c, seen.length]));
  dropped = bothReconnecting();
  await second.kill();
  await dropped;

  const firstAfterSecondDrop = (c) => attempts.get(c)[before.get(c)];
  assert.equal(firstAfterSecondDrop(stable), 1);
  assert.equal(firstAfterSecondDrop(flaky), before.get(flaky) + 1);
});

test('heartbeat_BrokerStopsAnswering_DropsWith4001AndReconnectsOnceItAnswersAgain', BOUNDED, async () => {
  const broker = await startBroker();
  brokers.push(broker);
  const watched = client(broker.wsUrl, {}, { intervalMs: 100, timeoutMs: 1_000 });
  await watched.connect();
  const topic = uniqueTopic('hb');
  const inbox = new Inbox();
  await watched.subscribe(topic, inbox.handler);
  const reconnecting = waitForState(watched, 'reconnecting');

  broker.freeze();
  const detail = await reconnecting;
  broker.thaw();
  await waitForState(watched, 'open');
  await watched.subscribe(topic, inbox.handler); // resolves on the resubscribe's ack
  const { offset } = await watched.publish(topic, 'alive');

  assert.deepEqual([detail.code, detail.reason], [4001, 'heartbeat timeout']);
  assert.deepEqual(await inbox.take(1), [{ data: 'alive', topic, offset }]);
});
