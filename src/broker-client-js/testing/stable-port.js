// A loopback TCP forwarder that holds one port for a whole test while brokers come and go behind it. Restarting a
// broker "on the port a killed broker just freed" races every other process on the machine for that port (test files
// run in parallel); the forwarder's port is never freed, and each broker starts on a fresh port of its own.
import net from 'node:net';

export class StablePort {
  /** @returns {Promise<StablePort>} listening on 127.0.0.1 on a port the OS picked */
  static async open() {
    const stable = new StablePort();
    await new Promise((resolve, reject) => {
      stable.server.once('error', reject);
      stable.server.listen(0, '127.0.0.1', resolve);
    });
    return stable;
  }

  constructor() {
    /** @type {number | null} the broker port connections go to; null refuses them */
    this.target = null;
    this.sockets = new Set();
    this.server = net.createServer((client) => this._accept(client));
  }

  get port() {
    return this.server.address().port;
  }

  get wsUrl() {
    return `ws://127.0.0.1:${this.port}/ws`;
  }

  /** Sends new connections to this broker (null: refuse them with a TCP reset, as if nothing listened). */
  forwardTo(broker) {
    this.target = broker === null ? null : broker.port;
  }

  async close() {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  _accept(client) {
    if (this.target === null) {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(this.target, '127.0.0.1');
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    }
    // Bytes both ways; a FIN from one side ends the other (pipe's default), so a broker's close handshake and a killed
    // broker's dropped connection look the same through the forwarder as without it.
    client.pipe(upstream);
    upstream.pipe(client);
    // An upstream that refuses (broker gone) or resets: reset the client too, like a connection to a dead port.
    upstream.once('error', () => client.resetAndDestroy());
    client.once('error', () => upstream.destroy());
  }
}
