// Against the real broker: a fresh Broker.Server process on a free loopback port for this file.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { BrokerClient } from '../broker-client.js';
import { startBroker } from '../testing/broker-process.js';
import { Inbox, uniqueTopic, waitForState } from '../testing/waiting.js';

// Every network await below is bounded: a test that hangs fails after this long instead.
const BOUNDED = { timeout: 60_000 };

let broker;
const clients = [];

before(async () => {
  broker = await startBroker();
}, BOUNDED);

after(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await broker?.kill();
}, BOUNDED);

async function connected() {
  const client = new BrokerClient(broker.wsUrl, { WebSocket, backoff: { baseMs: 50, maxMs: 500 } });
  clients.push(client);
  await client.connect();
  return client;
}

test('publish_SubscribedTopic_AckOffsetMatchesDeliveredMessage', BOUNDED, async () => {
  const client = await connected();
  const topic = uniqueTopic('rt');
  const inbox = new Inbox();
  await client.subscribe(topic, inbox.handler);

  const { offset } = await client.publish(topic, { text: 'hi', n: [1, 2] });
  const [message] = await inbox.take(1);

  assert.equal(offset, 1);
  assert.deepEqual(message, { data: { text: 'hi', n: [1, 2] }, topic, offset });
  assert.equal(client.lastOffset(topic), offset);
});

test('publish_TwoPublishersTwoSubscribers_BothSeeTheSameOrderWithConsecutiveOffsets', BOUNDED, async () => {
  const [a, b] = [await connected(), await connected()];
  const topic = uniqueTopic('order');
  const [inboxA, inboxB] = [new Inbox(), new Inbox()];
  await Promise.all([a.subscribe(topic, inboxA.handler), b.subscribe(topic, inboxB.handler)]);

  const acks = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).publish(topic, i)));
  const [seenA, seenB] = await Promise.all([inboxA.take(40), inboxB.take(40)]);

  assert.deepEqual(seenA, seenB);
  assert.deepEqual(seenA.map((m) => m.offset), Array.from({ length: 40 }, (_, i) => i + 1));
  assert.deepEqual(acks.map((ack) => ack.offset).sort((x, y) => x - y), seenA.map((m) => m.offset));
});

test('publish_InvalidTopic_RejectsWithBadTopicCode', BOUNDED, async () => {
  const client = await connected();

  await assert.rejects(client.publish('chat..lobby', 1), { name: 'BrokerError', code: 'bad_topic' });
  await assert.rejects(client.publish('chat.*', 1), { code: 'bad_topic' });
  assert.equal(client.state, 'open');
});

test('subscribe_InvalidTopic_RejectsWithBadTopicCodeAndForgetsIt', BOUNDED, async () => {
  const client = await connected();

  await assert.rejects(client.subscribe('chat.', () => {}), { code: 'bad_topic' });
  // Forgotten: a second attempt asks the server again instead of waiting on the failed entry.
  await assert.rejects(client.subscribe('chat.', () => {}), { code: 'bad_topic' });
  // The connection stays usable after an error reply.
  assert.equal(typeof (await client.ping()), 'number');
});

test('subscribe_StarWildcard_DeliversOneSegmentTopicsWithConcreteTopic', BOUNDED, async () => {
  const [subscriber, publisher] = [await connected(), await connected()];
  const root = uniqueTopic('wc');
  const inbox = new Inbox();
  await subscriber.subscribe(`${root}.*`, inbox.handler);

  await publisher.publish(`${root}.deep.er`, 'not for star');
  await publisher.publish(`${root}.a`, 'a1');
  await publisher.publish(`${root}.b`, 'b1');
  await publisher.publish(`${root}.a`, 'a2');
  const received = await inbox.take(3);

  const byTopic = (topic) => received.filter((m) => m.topic === topic).map((m) => [m.data, m.offset]);
  assert.deepEqual(byTopic(`${root}.a`), [['a1', 1], ['a2', 2]]);
  assert.deepEqual(byTopic(`${root}.b`), [['b1', 1]]);
  assert.equal(subscriber.lastOffset(`${root}.a`), 2);
});

test('subscribe_TrailingWildcard_DeliversDeeperTopics', BOUNDED, async () => {
  const client = await connected();
  const root = uniqueTopic('gt');
  const inbox = new Inbox();
  await client.subscribe(`${root}.>`, inbox.handler);

  await client.publish(`${root}.eu.lobby`, 'deep');
  const [message] = await inbox.take(1);

  assert.deepEqual(message, { data: 'deep', topic: `${root}.eu.lobby`, offset: 1 });
});

test('subscribe_ExactAndWildcardOverlap_EachHandlerGetsEachMessageOnce', BOUNDED, async () => {
  const client = await connected();
  const root = uniqueTopic('dup');
  const [exact, wildcard, sentinel] = [new Inbox(), new Inbox(), new Inbox()];
  await client.subscribe(`${root}.x`, exact.handler);
  await client.subscribe(`${root}.*`, wildcard.handler);
  await client.subscribe(`${root}.*`, sentinel.handler);

  await client.publish(`${root}.x`, 1);
  await client.publish(`${root}.x`, 2);
  await Promise.all([exact.take(2), wildcard.take(2), sentinel.take(2)]);
  // The server sends each message twice (once per subscription); a third message flushes both copies through.
  await client.publish(`${root}.x`, 3);
  await Promise.all([exact.take(3), wildcard.take(3)]);

  assert.deepEqual(exact.received.map((m) => m.data), [1, 2, 3]);
  assert.deepEqual(wildcard.received.map((m) => m.data), [1, 2, 3]);
  assert.deepEqual(sentinel.received.slice(0, 2).map((m) => m.data), [1, 2]);
});

test('unsubscribe_OneOfTwoHandlers_OnlyTheOtherKeepsReceiving', BOUNDED, async () => {
  const client = await connected();
  const topic = uniqueTopic('unsub');
  const [kept, dropped] = [new Inbox(), new Inbox()];
  await client.subscribe(topic, kept.handler);
  const unsubscribe = await client.subscribe(topic, dropped.handler);

  await unsubscribe();
  await client.publish(topic, 'after');
  await kept.take(1);

  assert.equal(dropped.received.length, 0);
});

test('unsubscribe_LastHandler_ServerAcksAndResubscribeWorks', BOUNDED, async () => {
  const client = await connected();
  const topic = uniqueTopic('unsub2');
  const inbox = new Inbox();
  await client.subscribe(topic, inbox.handler);

  await client.unsubscribe(topic);
  await client.subscribe(topic, inbox.handler);
  await client.publish(topic, 'again');

  assert.deepEqual((await inbox.take(1))[0].data, 'again');
});

test('violations_TooManyInvalidCommands_ServerClosesWith4002AndClientStaysClosed', BOUNDED, async () => {
  const client = await connected();
  const states = [];
  client.on('state', (state, detail) => states.push([state, detail.code]));
  const closed = waitForState(client, 'closed');

  // broker.limits.max-violations (100) invalid commands in a row close the connection with 4002.
  const outcomes = await Promise.all(Array.from({ length: 101 }, () =>
    client.publish('no..such', 1).then(() => 'acked', (error) => error.code)));
  await closed;

  assert.ok(outcomes.every((code) => ['bad_topic', 'connection_lost', 'closed'].includes(code)), outcomes.join());
  assert.deepEqual(states, [['closed', 4002]]);
  await assert.rejects(client.publish('chat.lobby', 1), { code: 'closed' });
});

test('ping_OpenConnection_ResolvesWithRoundTripMilliseconds', BOUNDED, async () => {
  const client = await connected();

  const rtt = await client.ping();

  assert.ok(rtt >= 0 && rtt < 15_000, `rtt ${rtt}`);
});

test('close_ByClient_StaysClosedAndRejectsPublishes', BOUNDED, async () => {
  const client = await connected();
  const states = [];
  client.on('state', (state) => states.push(state));

  await client.close();

  assert.deepEqual(states, ['closed']);
  assert.equal(client.state, 'closed');
  await assert.rejects(client.publish('chat.lobby', 1), { code: 'closed' });
  await assert.rejects(client.ping(), { code: 'not_connected' });
});

test('connect_AfterClose_OpensAgainAndResubscribes', BOUNDED, async () => {
  const client = await connected();
  const topic = uniqueTopic('again');
  const inbox = new Inbox();
  await client.subscribe(topic, inbox.handler);
  await client.close();

  await client.connect();
  // Subscribing again with the same handler adds nothing; it resolves on the resubscribe's ack.
  await client.subscribe(topic, inbox.handler);
  await client.publish(topic, 'back');

  assert.equal((await inbox.take(1))[0].data, 'back');
});

test('publish_DataJsonCannotEncode_RejectsWithoutSendingAndConnectionStaysUsable', BOUNDED, async () => {
  const client = await connected();
  const cyclic = {};
  cyclic.self = cyclic;

  await assert.rejects(client.publish(uniqueTopic('cyc'), cyclic), TypeError);
  await assert.rejects(client.publish(uniqueTopic('cyc'), undefined), TypeError);

  assert.equal((await client.publish(uniqueTopic('cyc'), 'fine')).offset, 1);
});

test('subscribe_HandlerRemovedBeforeAck_RejectsWithUnsubscribed', BOUNDED, async () => {
  const client = await connected();
  const topic = uniqueTopic('early');
  const handler = () => {};

  const subscribed = client.subscribe(topic, handler);
  const unsubscribed = client.unsubscribe(topic, handler);

  await assert.rejects(subscribed, { code: 'unsubscribed' });
  await unsubscribed;
});
