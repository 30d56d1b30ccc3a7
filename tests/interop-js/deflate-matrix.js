// Usage: node deflate-matrix.js WS_URL SERVER_MAX_WINDOW_BITS
// Autobahn 12.x/13.x through the npm `ws` client: for one server_max_window_bits (8-15), offers every
// client_max_window_bits (8-15, and the bare parameter) with every server/client_no_context_takeover combination, then
// echoes compressible text and window-probing binary messages of 16 B to 128 KiB, each twice (the second copy can only
// compress against the first with context takeover). Checks the server's answer (RFC 7692 §7.1) and every echo byte.
// Prints "ok N connections" and exits 0, or prints the failing combination and exits 1.
'use strict';
const WebSocket = require('ws');
const assert = require('node:assert/strict');
const { fail, next, text, binary, same } = require('./common');

const [url, serverBitsArg] = process.argv.slice(2);
const serverBits = Number(serverBitsArg);
const timer = setTimeout(() => fail(new Error('timed out')), 240000);

function parseExtension(header) {
  const params = {};
  const [name, ...rest] = header.split(';').map((part) => part.trim());
  for (const part of rest) {
    const [key, value] = part.split('=');
    params[key] = value === undefined ? true : Number(value);
  }
  return { name, params };
}

// Generated once: text and window-probing binary of each size.
const payloads = [16, 1000, 16384, 131072].flatMap((size, i) => [text(size, i + 1), binary(size, i + 1)]);

async function run(offer) {
  const ws = new WebSocket(url, { perMessageDeflate: { threshold: 0, ...offer } });
  let answer = '';
  ws.once('upgrade', (response) => { answer = response.headers['sec-websocket-extensions'] || ''; });
  await next(ws, 'open');
  const label = `${JSON.stringify(offer)} answered "${answer}"`;
  // RFC 7692 §7.1.2.1: no zlib can compress raw deflate with a 256-byte window, so the server declines that offer.
  if (serverBits === 8) {
    assert.equal(answer, '', `${label}: expected the offer declined`);
  } else {
    const { name, params } = parseExtension(answer);
    assert.equal(name, 'permessage-deflate', label);
    assert.ok(params.server_max_window_bits <= serverBits, label);
    assert.equal(Boolean(params.server_no_context_takeover), offer.serverNoContextTakeover, label);
    assert.equal(Boolean(params.client_no_context_takeover), offer.clientNoContextTakeover, label);
    if (typeof offer.clientMaxWindowBits === 'number') assert.ok(params.client_max_window_bits <= offer.clientMaxWindowBits, label);
  }

  for (const payload of payloads) {
    for (let copy = 0; copy < 2; copy++) {
      ws.send(payload);
      const [data, isBinary] = await next(ws, 'message');
      assert.equal(isBinary, Buffer.isBuffer(payload), `${label}: message type of ${payload.length}`);
      assert.ok(same(data, payload), `${label}: echo of ${payload.length} differs`);
    }
  }
  ws.close(1000);
  const [code] = await next(ws, 'close');
  assert.equal(code, 1000, `${label}: close code`);
}

async function main() {
  let connections = 0;
  for (const clientMaxWindowBits of [8, 9, 10, 11, 12, 13, 14, 15, true]) {
    for (const serverNoContextTakeover of [false, true]) {
      for (const clientNoContextTakeover of [false, true]) {
        await run({ serverMaxWindowBits: serverBits, clientMaxWindowBits, serverNoContextTakeover, clientNoContextTakeover });
        connections++;
      }
    }
  }
  clearTimeout(timer);
  console.log(`ok ${connections} connections`);
}

main().catch(fail);
