// Usage: node fragments.js WS_URL [deflate]
// Autobahn 5.x/9.x through the npm `ws` client: fragmented text and binary messages (with pings between fragments),
// messages up to the node's limit (broker.websocket.max-message-bytes, 1 MiB by default) whole and in 64 KiB fragments,
// and one byte past the limit, which the server must refuse with 1009. Prints "ok" and exits 0, or the failure and 1.
'use strict';
const WebSocket = require('ws');
const assert = require('node:assert/strict');
const { fail, next, text, binary, same } = require('./common');

const [url, mode] = process.argv.slice(2);
const perMessageDeflate = mode === 'deflate' ? { threshold: 0 } : false;
const max = 1 << 20;
const timer = setTimeout(() => fail(new Error('timed out')), 120000);

async function open() {
  const ws = new WebSocket(url, { perMessageDeflate, maxPayload: 2 * max });
  await next(ws, 'open');
  assert.equal(ws.extensions.includes('permessage-deflate'), mode === 'deflate', `extensions: ${ws.extensions}`);
  return ws;
}

async function expectEcho(ws, expected, what) {
  const [data, isBinary] = await next(ws, 'message');
  assert.equal(isBinary, Buffer.isBuffer(expected), `${what}: message type`);
  assert.ok(same(data, expected), `${what}: echo differs`);
}

function sendInFragments(ws, payload, size) {
  const bytes = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
  for (let offset = 0; offset < bytes.length; offset += size) {
    const end = Math.min(bytes.length, offset + size);
    ws.send(bytes.subarray(offset, end), { binary: Buffer.isBuffer(payload), fin: end === bytes.length });
  }
}

async function main() {
  const ws = await open();

  // 5.19: text in five fragments, pings after the second and the fourth; pongs come back first.
  const parts = ['fragment1', 'fragment2', 'fragment3', 'fragment4', 'fragment5'];
  const pongs = [];
  ws.on('pong', (data) => pongs.push(data.toString()));
  parts.forEach((part, i) => {
    ws.send(part, { fin: i === parts.length - 1 });
    if (i === 1 || i === 3) ws.ping(`pongme ${i}`);
  });
  await expectEcho(ws, parts.join(''), 'text in 5 fragments');
  assert.deepEqual(pongs, ['pongme 1', 'pongme 3'], 'pongs before the echo');

  // 9.1/9.2 at the limit, whole; 9.3/9.4 at the limit in 64 KiB fragments; multi-byte text split inside code points.
  const base = text(max - 64, 7);
  const atLimitText = base + 'x'.repeat(max - Buffer.byteLength(base));
  const atLimitBinary = binary(max, 7);
  ws.send(atLimitText);
  await expectEcho(ws, atLimitText, '1 MiB text');
  ws.send(atLimitBinary);
  await expectEcho(ws, atLimitBinary, '1 MiB binary');
  sendInFragments(ws, atLimitText, 65536 + 1);
  await expectEcho(ws, atLimitText, '1 MiB text in fragments');
  sendInFragments(ws, atLimitBinary, 65536);
  await expectEcho(ws, atLimitBinary, '1 MiB binary in fragments');
  ws.close(1000);
  assert.equal((await next(ws, 'close'))[0], 1000);

  // One byte over the limit, in fragments so the last one tips it over: the server fails with 1009.
  const over = await open();
  sendInFragments(over, binary(max + 1, 9), 65536);
  const [code] = await next(over, 'close');
  assert.equal(code, 1009, 'close code past the limit');

  clearTimeout(timer);
  console.log('ok');
}

main().catch(fail);
