// Authenticated connects per second against a real broker (docs/benchmarks.md, "Connect cost with a token"):
// each connection does the WebSocket handshake, sends `connect` with a token and waits for `connected`, then closes.
// Usage: node bench/connect-rate.js [connections=2000] [concurrency=32]   (needs `dotnet build src/Broker.Server -c Release`)
import { generateKeyPairSync, createSign } from 'node:crypto';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { startBroker } from '../testing/broker-process.js';
import { SECRET, token as hs256 } from '../testing/tokens.js';

const total = Number(process.argv[2] ?? 2000);
const concurrency = Number(process.argv[3] ?? 32);

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const dir = mkdtempSync(path.join(tmpdir(), 'broker-bench-'));
const keyFile = path.join(dir, 'rsa.pem');
writeFileSync(keyFile, publicKey.export({ type: 'spki', format: 'pem' }));
const config = path.join(dir, 'bench.hocon');
writeFileSync(config, `broker.auth { anonymous = deny, jwt { hmac-secret = "${SECRET}", public-key-files = ["${keyFile}"] } }
broker.limits.max-connections = 100000
`);

const b64 = (value) => Buffer.from(value).toString('base64url');
function rs256(sub) {
  const input = `${b64(JSON.stringify({ alg: 'RS256', typ: 'JWT' }))}.${b64(JSON.stringify({ sub, exp: Math.floor(Date.now() / 1000) + 3600 }))}`;
  return `${input}.${createSign('RSA-SHA256').update(input).sign(privateKey).toString('base64url')}`;
}

function connectOnce(url, token) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connect', id: 1, token })));
    socket.on('message', (raw) => {
      const reply = JSON.parse(raw.toString());
      if (reply.type !== 'connected') reject(new Error(raw.toString()));
      socket.close(1000);
    });
    socket.on('close', (code) => (code === 1000 || code === 1005 ? resolve() : reject(new Error(`closed ${code}`))));
    socket.on('error', reject);
  });
}

async function run(label, url, tokens) {
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) await connectOnce(url, tokens[next++ % tokens.length]);
  }));
  const seconds = (performance.now() - started) / 1000;
  console.log(`${label}: ${total} connects in ${seconds.toFixed(2)} s = ${(total / seconds).toFixed(0)} connects/s (concurrency ${concurrency}, load ${loadavg()[0].toFixed(2)})`);
}

const broker = await startBroker({ args: ['--config', config] });
try {
  // Distinct tokens per user, made before timing: the figure is the broker's cost, not the token minting's.
  const users = Array.from({ length: 200 }, (_, i) => `user${i}`);
  await run('warm-up HS256', broker.wsUrl, users.map((u) => hs256(u, 3_600_000)));
  await run('HS256', broker.wsUrl, users.map((u) => hs256(u, 3_600_000)));
  await run('RS256', broker.wsUrl, users.map(rs256));
} finally {
  await broker.kill();
}
