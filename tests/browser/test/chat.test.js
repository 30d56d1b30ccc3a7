// End to end: the chat demo served by the real broker, two headless Chromium pages talking through one room.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launchChromium } from '../chromium.js';
import { startBroker } from '../../../src/broker-client-js/testing/broker-process.js';

// Every network await below is bounded: a test that hangs fails after this long instead.
const BOUNDED = { timeout: 120_000 };

const WAIT_MS = 15_000;
let broker;
let browser;
const pages = [];

before(async () => {
  // The demo's config: the chat.> rooms keep history and have presence and join-leave on.
  broker = await startBroker({ args: ['--config', 'hocon/demo.hocon'] });
  browser = await launchChromium();
}, BOUNDED);

after(async () => {
  await browser?.close();
  await broker?.kill();
}, BOUNDED);

async function openChat(nick, viewport) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  pages.push({ nick, page });
  page.setDefaultTimeout(WAIT_MS);
  await page.goto(`${broker.httpUrl}/`);
  await page.fill('#nick-input', nick);
  await page.click('#nick-form button[type=submit]');
  await page.waitForSelector('#state[data-state="open"]');
  return page;
}

async function join(page, room) {
  await page.fill('#room-input', room);
  await page.press('#room-input', 'Enter');
  // The notice appears on the subscribe ack, so nothing sent afterwards can be missed.
  await page.locator('#messages .notice', { hasText: `joined #${room}` }).waitFor();
}

async function say(page, text) {
  await page.fill('#message-input', text);
  await page.press('#message-input', 'Enter');
}

function message(page, from, text) {
  return page.locator('#messages .message', { has: page.locator('.nick', { hasText: from }) })
    .filter({ has: page.locator('.text', { hasText: text }) });
}

/** Runs `scenario`; when it fails, saves every page's screenshot to the temp dir and names the files. */
async function screenshotsOnFailure(scenario) {
  try {
    await scenario();
  } catch (error) {
    const shots = await Promise.all(pages.map(async ({ nick, page }) => {
      const file = path.join(tmpdir(), `broker-chat-${nick}-${process.pid}.png`);
      await page.screenshot({ path: file, fullPage: true }).catch(() => {});
      return file;
    }));
    error.message += `\nscreenshots: ${shots.join(' ')}`;
    throw error;
  }
}

test('chat_TwoPagesInOneRoom_EachSeesTheOthersMessagesAsPlainText', BOUNDED, () => screenshotsOnFailure(async () => {
  const room = `e2e${Math.random().toString(36).slice(2, 8)}`;
  const ann = await openChat('ann', { width: 1024, height: 700 });
  const bob = await openChat('bob', { width: 390, height: 760 }); // phone width
  await join(ann, room);
  await join(bob, room);

  const markup = 'hi bob <img src=x onerror="window.pwned=1"><b>bold?</b>';
  await say(ann, markup);
  await message(bob, 'ann', markup).waitFor();
  await say(bob, 'hello ann');
  await message(ann, 'bob', 'hello ann').waitFor();

  for (const page of [ann, bob]) {
    assert.equal(await page.getAttribute('#state', 'data-state'), 'open');
    assert.equal(await page.textContent('#room-title'), `#${room}`);
    assert.equal(await page.locator('#messages .text img, #messages .text b').count(), 0);
    assert.equal(await page.evaluate(() => window.pwned), undefined);
  }
  assert.equal(await message(bob, 'ann', markup).locator('.text').textContent(), markup);
  assert.equal(await message(ann, 'ann', markup).getAttribute('class'), 'message own');
}));

function onlineCount(page, count) {
  return page.waitForFunction((n) => document.querySelectorAll('#online-list li').length === n, count);
}

test('chat_SecondPageJoinsAndLeaves_OnlineListAndJoinLeaveLinesFollow', BOUNDED, () => screenshotsOnFailure(async () => {
  const room = `e2e${Math.random().toString(36).slice(2, 8)}`;
  const ann = await openChat('ann', { width: 1024, height: 700 });
  await join(ann, room);
  await onlineCount(ann, 1);
  const bob = await openChat('bob', { width: 1024, height: 700 });

  await join(bob, room);

  await onlineCount(ann, 2);
  await onlineCount(bob, 2);
  assert.equal(await ann.textContent('#online-count'), '(2)');
  await ann.locator('#messages .notice', { hasText: /^guest·[0-9a-f]{6} joined$/ }).waitFor();
  await bob.context().close();
  await onlineCount(ann, 1);
  await ann.locator('#messages .notice', { hasText: /^guest·[0-9a-f]{6} left$/ }).waitFor();
}));

test('chat_PageOfflineWhileOthersPublish_ShowsEveryMissedMessageInOrderWhenBack', BOUNDED, () => screenshotsOnFailure(async () => {
  const room = `e2e${Math.random().toString(36).slice(2, 8)}`;
  const ann = await openChat('ann', { width: 1024, height: 700 });
  const bob = await openChat('bob', { width: 1024, height: 700 });
  await join(ann, room);
  await join(bob, room);
  await say(bob, 'before');
  await message(ann, 'bob', 'before').waitFor();

  await ann.context().setOffline(true);
  await ann.waitForSelector('#state:not([data-state="open"])');
  const missed = Array.from({ length: 8 }, (_, i) => `while away ${i + 1}`);
  for (const text of missed) {
    await say(bob, text);
    await message(bob, 'bob', text).waitFor(); // delivered back to bob: published, in this order
  }
  await ann.context().setOffline(false);

  // The reconnect backs off (up to 30 s); then the resubscribe with `since` replays what ann missed.
  await ann.waitForSelector('#state[data-state="open"]', { timeout: 60_000 });
  await message(ann, 'bob', missed.at(-1)).waitFor();
  await say(bob, 'after');
  await message(ann, 'bob', 'after').waitFor();
  const texts = await ann.locator('#messages .message .text').allTextContents();
  assert.deepEqual(texts, ['before', ...missed, 'after']);
}));
