// Starts the real broker (the built Broker.Server.dll) as a child process for the JavaScript and browser tests.
// Lives outside test/ so `node --test test/` does not count it as a test file.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The server build the tests run; build.sh builds it (Release) before running npm test. */
export const brokerDll = path.join(repoRoot, 'src/Broker.Server/bin/Release/net10.0/Broker.Server.dll');

/** Brokers still running; killed when the test process exits, even after a failed or timed-out test. */
const running = new Set();
process.once('exit', () => {
  for (const child of running) process.kill(child.pid, 'SIGKILL');
});

const LISTENING = /^Broker listening on (https?:\/\/\S+)\s*$/m;
const START_TIMEOUT_MS = 60_000;
const EXIT_TIMEOUT_MS = 10_000;
// broker.shutdown.drain-timeout (10 s by default) plus the process's own teardown.
const STOP_TIMEOUT_MS = 30_000;

/**
 * Starts a broker on 127.0.0.1 and resolves once it printed its listening line.
 * @param {{port?: number, args?: string[]}} [options] port 0 (default) lets the OS pick a free one
 * @returns {Promise<BrokerProcess>}
 */
export async function startBroker({ port = 0, args = [] } = {}) {
  if (!existsSync(brokerDll)) {
    throw new Error(`${brokerDll} is missing: run "dotnet build src/Broker.Server -c Release" in ${repoRoot}`);
  }
  const child = spawn('dotnet', [brokerDll, '--port', String(port), '--host', '127.0.0.1', ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const httpUrl = await waitForListening(child);
  return new BrokerProcess(child, new URL(httpUrl));
}

export class BrokerProcess {
  /**
   * @param {import('node:child_process').ChildProcess} child
   * @param {URL} httpUrl
   */
  constructor(child, httpUrl) {
    this.child = child;
    this.port = Number(httpUrl.port);
    this.httpUrl = httpUrl.origin;
    // wss:// when the broker serves TLS (broker.http.tls).
    this.wsUrl = `${httpUrl.protocol === 'https:' ? 'wss' : 'ws'}://${httpUrl.host}/ws`;
  }

  /** SIGKILL by PID, so clients see an abrupt drop (1006); resolves once the process has exited. */
  kill() {
    return this._signal('SIGKILL', EXIT_TIMEOUT_MS);
  }

  /** SIGTERM by PID: a graceful shutdown, closing clients with 1001; resolves once the process has exited. */
  stop() {
    return this._signal('SIGTERM', STOP_TIMEOUT_MS);
  }

  /** SIGSTOP: the process stops answering while its TCP connections stay up, as with a silently dead network. */
  freeze() {
    process.kill(this.child.pid, 'SIGSTOP');
  }

  /** SIGCONT: undoes freeze(). */
  thaw() {
    process.kill(this.child.pid, 'SIGCONT');
  }

  async _signal(signal, timeoutMs) {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = onceExited(this.child);
    process.kill(this.child.pid, signal);
    await withTimeout(exited, timeoutMs, `broker ${this.child.pid} did not exit on ${signal}`);
  }
}

function waitForListening(child) {
  let output = '';
  const listening = new Promise((resolve, reject) => {
    const onData = (chunk) => {
      output += chunk;
      const match = LISTENING.exec(output);
      if (match) {
        child.stdout.off('data', onData);
        // Keep draining so a chatty broker never blocks on a full pipe.
        child.stdout.resume();
        resolve(match[1]);
      }
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', onData);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => { output += chunk; });
    child.once('error', reject);
    child.once('exit', (code, signal) => reject(new Error(`broker exited (${code ?? signal}) before listening:\n${output}`)));
  });
  return withTimeout(listening, START_TIMEOUT_MS, 'broker did not print its listening line').catch((error) => {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
    throw error;
  });
}

function onceExited(child) {
  return new Promise((resolve) => child.once('exit', resolve));
}

/**
 * @template T
 * @param {Promise<T>} promise
 * @param {number} ms
 * @param {string} message
 * @returns {Promise<T>}
 */
export function withTimeout(promise, ms, message) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
