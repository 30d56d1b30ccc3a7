import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay, shouldReconnect, topicMatches } from '../broker-client.js';

test('shouldReconnect_ServerTableReconnectCodes_ReturnsTrue', () => {
  for (const code of [1001, 1006, 1011, 1012, 1013, 1014, 4000, 4001]) {
    assert.equal(shouldReconnect(code), true, `code ${code}`);
  }
});

test('shouldReconnect_NormalClosureAndClientFaults_ReturnsFalse', () => {
  for (const code of [1000, 1002, 1003, 1005, 1007, 1008, 1009, 1010, 4002, 4999, 0]) {
    assert.equal(shouldReconnect(code), false, `code ${code}`);
  }
});

test('backoffDelay_RandomAtExtremes_StaysWithinZeroAndExponentialCeiling', () => {
  const justBelowOne = () => 1 - Number.EPSILON;
  for (let attempt = 0; attempt < 10; attempt++) {
    const ceiling = Math.min(10_000, 100 * 2 ** attempt);
    assert.equal(backoffDelay(attempt, 100, 10_000, () => 0), 0);
    const highest = backoffDelay(attempt, 100, 10_000, justBelowOne);
    assert.ok(highest < ceiling, `attempt ${attempt}: ${highest} < ${ceiling}`);
    assert.ok(highest >= ceiling - 1, `attempt ${attempt}: ${highest} reaches the ceiling`);
  }
});

test('backoffDelay_ManyAttempts_CappedAtMaxAndFinite', () => {
  const delay = backoffDelay(10_000, 500, 30_000, () => 0.5);
  assert.equal(delay, 15_000);
});

test('backoffDelay_DefaultRandom_SpreadsOverTheWholeWindow', () => {
  const delays = Array.from({ length: 2_000 }, () => backoffDelay(3, 100, 10_000));
  assert.ok(delays.every((d) => Number.isInteger(d) && d >= 0 && d < 800));
  // Full jitter: uniform over [0, 800), so both halves of the window are hit (chance of failing ~2^-2000).
  assert.ok(delays.some((d) => d < 400) && delays.some((d) => d >= 400));
});

test('topicMatches_ExactTopic_Matches', () => {
  assert.equal(topicMatches('chat.lobby', 'chat.lobby'), true);
  assert.equal(topicMatches('chat.lobby', 'chat.lobby2'), false);
  assert.equal(topicMatches('chat', 'chat.lobby'), false);
});

test('topicMatches_StarSegment_MatchesExactlyOneSegment', () => {
  assert.equal(topicMatches('chat.*', 'chat.lobby'), true);
  assert.equal(topicMatches('chat.*', 'chat.eu.lobby'), false);
  assert.equal(topicMatches('chat.*', 'chat'), false);
  assert.equal(topicMatches('*.lobby', 'chat.lobby'), true);
  assert.equal(topicMatches('a.*.c', 'a.b.c'), true);
  assert.equal(topicMatches('a.*.c', 'a.b.d'), false);
});

test('topicMatches_TrailingGreaterThan_MatchesOneOrMoreSegments', () => {
  assert.equal(topicMatches('chat.>', 'chat.lobby'), true);
  assert.equal(topicMatches('chat.>', 'chat.eu.lobby'), true);
  assert.equal(topicMatches('chat.>', 'chat'), false);
  assert.equal(topicMatches('>', 'anything.at.all'), true);
  assert.equal(topicMatches('chat.>', 'news.lobby'), false);
});

test('topicMatches_GreaterThanNotLast_IsLiteral', () => {
  assert.equal(topicMatches('a.>.c', 'a.b.c'), false);
  assert.equal(topicMatches('a.>.c', 'a.>.c'), true);
});
