// Usage: node echo.js WS_URL [deflate]
// Echo conformance through the npm `ws` client: sizes around every length encoding, UTF-8, binary, ping/pong and the
// close handshake. Prints "ok" and exits 0 when every check passed; prints the failure and exits 1 otherwise.
'use strict';
const WebSocket = require('ws');
const assert = require('node:assert/strict');
const { fail, next } = require('./common');

const [url, mode] = process.argv.slice(2);
const deflate = mode === 'deflate';
const timer = setTimeout(() => fail(new Error('timed out')), 30000);

async function main() {
  const ws = new WebSocket(url, { perMessageDeflate: deflate ? { threshold: 0 } : false });
  await next(ws, 'open');
  const negotiated = ws.extensions.includes('permessage-deflate');
  assert.equal(negotiated, deflate, `permessage-deflate negotiated: ${ws.extensions}`);

  for (const size of [0, 125, 126, 65535, 65536, 1 << 20]) {
    const payload = Buffer.alloc(size, 0);
    for (let i = 0; i < size; i++) payload[i] = (i * 31 + 7) & 0xff;
    ws.send(payload, { binary: true });
    const [data, isBinary] = await next(ws, 'message');
    assert.equal(isBinary, true, `binary echo of ${size}`);
    assert.ok(Buffer.compare(data, payload) === 0, `binary echo of ${size} bytes differs`);
  }

  const text = 'héllo wörld — 你好 🌍'.repeat(100);
  ws.send(text);
  const [echoed, isBinary] = await next(ws, 'message');
  assert.equal(isBinary, false);
  assert.equal(echoed.toString('utf8'), text);

  ws.ping(Buffer.from('are you there'));
  const [pong] = await next(ws, 'pong');
  assert.equal(pong.toString(), 'are you there');

  ws.close(4321, 'bye');
  const [code] = await next(ws, 'close');
  assert.equal(code, 4321);
  clearTimeout(timer);
  console.log('ok');
}

main().catch(fail);
