// Usage: node failover-client.mjs TOPIC URL [URL...]
// Runs the project's JavaScript client (src/broker-client-js) the way a browser behind a load balancer would: its
// WebSocket constructor connects to the given URLs in turn, so the first connection goes to URL 1 and a reconnect after
// that node dies goes to URL 2. Prints one JSON line per event on stdout for the test that spawned it:
//   {"event":"connecting","url":...}  {"event":"state","state":...,"code":...}  {"event":"subscribed"}
//   {"event":"message","topic":...,"offset":n,"data":...}
import { createRequire } from 'node:module';

const clientDir = new URL('../../../src/broker-client-js/', import.meta.url);
// The client's own locked dev dependency (build.sh runs npm ci there); Node 20 has no global WebSocket.
const WebSocket = createRequire(clientDir)('ws');
const { BrokerClient } = await import(new URL('broker-client.js', clientDir));

const [topic, ...urls] = process.argv.slice(2);
const print = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);
let next = 0;

class RotatingWebSocket extends WebSocket {
  constructor(_url, protocols) {
    const url = urls[next++ % urls.length];
    super(url, protocols);
    print({ event: 'connecting', url });
  }
}

const client = new BrokerClient(urls[0], { WebSocket: RotatingWebSocket, backoff: { baseMs: 200, maxMs: 1000 } });
client.on('state', (state, detail) => print({ event: 'state', state, code: detail?.code ?? null }));
client.on('error', (error) => print({ event: 'error', code: error.code, message: error.message }));
await client.connect();
await client.subscribe(topic, (data, meta) => print({ event: 'message', topic: meta.topic, offset: meta.offset, data }));
print({ event: 'subscribed' });
process.stdin.resume(); // runs until the test kills it
