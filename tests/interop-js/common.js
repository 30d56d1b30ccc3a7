// Shared by the interop scripts: bounded waits, failure reporting and reproducible payloads.
'use strict';

function fail(error) {
  console.error(error && error.stack ? error.stack : String(error));
  process.exit(1);
}

// Resolves with the event's arguments; rejects on the socket's 'error' or when the socket closes first.
function next(ws, event) {
  return new Promise((resolve, reject) => {
    const onEvent = (...args) => { cleanup(); resolve(args); };
    const onError = (error) => { cleanup(); reject(error); };
    const onClose = (code, reason) => { cleanup(); reject(new Error(`closed ${code} ${reason} while waiting for ${event}`)); };
    function cleanup() {
      ws.off(event, onEvent);
      ws.off('error', onError);
      if (event !== 'close') ws.off('close', onClose);
    }
    ws.once(event, onEvent);
    ws.once('error', onError);
    if (event !== 'close') ws.once('close', onClose);
  });
}

// A small deterministic PRNG (mulberry32), so every run sends the same bytes.
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const words = ['broker', 'topic', 'publish', 'subscribe', 'κόσμε', 'message', '你好', 'frame', 'deflate', 'window',
  'context', '🌍', 'takeover', 'échange', 'socket', 'cluster'];

// Text of about `size` bytes: words drawn at random, so deflate finds matches at every distance up to the size.
function text(size, seed) {
  const next = random(seed);
  const parts = [];
  for (let length = 0; length < size;) {
    const word = words[Math.floor(next() * words.length)] + ' ';
    parts.push(word);
    length += Buffer.byteLength(word);
  }
  return parts.join('');
}

// Binary of `size` bytes: random blocks, each repeated 300, 5000 and 20000 bytes later where it fits, so a compressor
// using a larger window than negotiated emits back-references the peer's inflater must reject.
function binary(size, seed) {
  const next = random(seed);
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = Math.floor(next() * 256);
  for (const distance of [300, 5000, 20000]) {
    for (let i = 0; i + distance + 64 <= size; i += distance * 2) out.copy(out, i + distance, i, i + 64);
  }
  return out;
}

function same(actual, expected) {
  return Buffer.isBuffer(expected) ? Buffer.compare(actual, expected) === 0 : actual.toString('utf8') === expected;
}

module.exports = { fail, next, text, binary, same };
