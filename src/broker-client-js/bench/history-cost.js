// What history costs (docs/benchmarks.md, "Cost of history"), against real brokers and a real redis-server:
//  1. publish throughput with history on (the default, 100 per topic) vs off (size 0), on the Redis backplane and on
//     the embedded one: P publisher connections, each with at most W unacknowledged publishes, over T topics, no
//     subscribers (the publish path alone: the Lua script with or without its stream append);
//  2. recovery time for N missed messages: N are published, then a fresh connection subscribes with
//     `since: {offset: 0, epoch}` and the clock runs until offset N arrived (every offset checked, in order).
//  3. memory per topic with history: 1,000 topics × 100 retained messages (the default size) of the same data; the
//     broker's VmRSS (embedded: the rings) and Redis's used_memory (streams and metadata) before and after, per topic.
// Usage: node bench/history-cost.js [publishes=20000] [missed=10000]   (MEMORY_ONLY=1: part 3 alone)
// Needs `dotnet build src/Broker.Server -c Release` and redis-server on PATH.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { startBroker } from '../testing/broker-process.js';

const publishes = Number(process.argv[2] ?? 20000);
const missed = Number(process.argv[3] ?? 10000);
const PUBLISHERS = 10;
const WINDOW = 32;
const TOPICS = 100;
const DATA = { text: 'x'.repeat(64) };

const freePort = () => new Promise((resolve) => {
  const server = createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    server.close(() => resolve(port));
  });
});

async function startRedis() {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => { if (String(chunk).includes('Ready to accept')) resolve(); });
    child.once('exit', () => reject(new Error('redis-server exited')));
  });
  return { endpoint: `127.0.0.1:${port}`, stop: () => child.kill('SIGKILL') };
}

function broker(historySize, redis) {
  const dir = mkdtempSync(path.join(tmpdir(), 'broker-history-'));
  const config = path.join(dir, 'bench.hocon');
  writeFileSync(config, `broker.limits.publish-rate = off
broker.namespaces.default.history.size = ${historySize}
`);
  return startBroker({ args: ['--config', config, ...(redis ? ['--redis', redis.endpoint] : [])] });
}

const open = (url) => new Promise((resolve, reject) => {
  const socket = new WebSocket(url);
  socket.once('open', () => resolve(socket));
  socket.once('error', reject);
});

// One connection publishing `count` messages round-robin over `topics`, at most WINDOW unacknowledged.
async function publishMany(url, count, topics, prefix) {
  const socket = await open(url);
  let sent = 0;
  let acked = 0;
  await new Promise((resolve, reject) => {
    const send = () => {
      while (sent < count && sent - acked < WINDOW) {
        socket.send(JSON.stringify({ type: 'publish', id: sent, topic: `${prefix}.${sent % topics}`, data: DATA }));
        sent += 1;
      }
    };
    socket.on('message', (raw) => {
      const frame = JSON.parse(raw);
      if (frame.type === 'error') reject(new Error(`${frame.code}: ${frame.message}`));
      if (frame.type !== 'ack') return;
      acked += 1;
      if (acked === count) resolve();
      else send();
    });
    send();
  });
  socket.close();
}

async function throughput(url) {
  const perPublisher = Math.ceil(publishes / PUBLISHERS);
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: PUBLISHERS }, (_, i) => publishMany(url, perPublisher, TOPICS, `cost${i}`)));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return (perPublisher * PUBLISHERS) / seconds;
}

// Sends one request and resolves with the first frame that is not a message.
function request(socket, command) {
  return new Promise((resolve) => {
    const onFrame = (raw) => {
      const frame = JSON.parse(raw);
      if (frame.type === 'message') return;
      socket.off('message', onFrame);
      resolve(frame);
    };
    socket.on('message', onFrame);
    socket.send(JSON.stringify(command));
  });
}

async function recoveryMs(url, topic) {
  const socket = await open(url);
  const { epoch, offset } = await request(socket, { type: 'history', id: 1, topic, limit: 1 });
  if (offset !== missed) throw new Error(`expected ${missed} retained, the topic is at ${offset}`);
  let next = 1;
  const started = process.hrtime.bigint();
  const done = new Promise((resolve, reject) => {
    socket.on('message', (raw) => {
      const frame = JSON.parse(raw);
      if (frame.type !== 'message') return;
      if (frame.offset !== next) reject(new Error(`offset ${frame.offset}, expected ${next}`));
      next += 1;
      if (frame.offset === missed) resolve();
    });
    socket.once('close', (code) => reject(new Error(`closed with ${code} after offset ${next - 1}`)));
  });
  const ack = await request(socket, { type: 'subscribe', id: 2, topic, since: { offset: 0, epoch } });
  if (ack.recovered !== true) throw new Error(`not recovered: ${JSON.stringify(ack)}`);
  await done;
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  socket.close();
  return ms;
}

const rssKiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);

// INFO memory over a plain socket: the reply is one bulk string, `$LENGTH\r\n` then LENGTH bytes.
async function redisUsedMemory(redis) {
  const [host, port] = redis.endpoint.split(':');
  const socket = createConnection(Number(port), host);
  socket.write('INFO memory\r\n');
  let text = '';
  for await (const chunk of socket) {
    text += chunk;
    const header = /^\$(\d+)\r\n/.exec(text);
    if (header && text.length >= header[0].length + Number(header[1])) break;
  }
  socket.destroy();
  return Number(/used_memory:(\d+)/.exec(text)[1]);
}

async function memoryPerTopic(redis) {
  const topics = 1000;
  const node = await broker(100, redis);
  try {
    await publishMany(node.wsUrl, 100, 1, 'warm'); // JIT and first allocations before the baseline
    const rssBefore = rssKiB(node.child.pid);
    const redisBefore = redis ? await redisUsedMemory(redis) : 0;
    await Promise.all(Array.from({ length: PUBLISHERS }, (_, i) => publishMany(node.wsUrl, (topics / PUBLISHERS) * 100, topics / PUBLISHERS, `mem${i}`)));
    const perTopic = redis
      ? `Redis used_memory +${((await redisUsedMemory(redis) - redisBefore) / topics / 1024).toFixed(1)} KiB`
      : `broker RSS +${((rssKiB(node.child.pid) - rssBefore) / topics).toFixed(1)} KiB`;
    console.log(`${redis ? 'redis' : 'embedded'}: memory per topic with 100 retained ${JSON.stringify(DATA).length}-byte messages: ${perTopic} (${topics} topics)`);
  } finally {
    await node.stop();
  }
}

const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];

const redis = await startRedis();
try {
  console.log(`load average at start: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  for (const backplane of process.env.MEMORY_ONLY ? [] : ['redis', 'embedded']) {
    for (const size of [0, 100]) {
      const node = await broker(size, backplane === 'redis' ? redis : null);
      try {
        await throughput(node.wsUrl); // warm-up: JIT, Lua script cache, topic actors
        const rates = [await throughput(node.wsUrl), await throughput(node.wsUrl), await throughput(node.wsUrl)];
        console.log(`${backplane}, history ${size === 0 ? 'off' : `on (${size})`}: ${Math.round(median(rates))} publishes/s ` +
          `(median of 3 × ${publishes}; ${PUBLISHERS} publishers × window ${WINDOW}, ${TOPICS} topics, no subscribers)`);
      } finally {
        await node.stop();
      }
    }
    const node = await broker(missed, backplane === 'redis' ? redis : null);
    try {
      const times = [];
      for (let run = 0; run < 3; run += 1) {
        const topic = `recover${run}`;
        await publishMany(node.wsUrl, missed, 1, topic);
        times.push(await recoveryMs(node.wsUrl, `${topic}.0`));
      }
      console.log(`${backplane}: recovery of ${missed} missed messages: ${times.map((t) => t.toFixed(0)).join(', ')} ms ` +
        `(median ${median(times).toFixed(0)} ms; since → offset ${missed} received, every offset in order)`);
    } finally {
      await node.stop();
    }
  }
  await memoryPerTopic(redis);
  await memoryPerTopic(null);
  console.log(`load average at end: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
} finally {
  redis.stop();
}
