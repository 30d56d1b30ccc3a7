// Awaiting client events in tests: every wait is bounded, none sleeps.
import { withTimeout } from './broker-process.js';

export const WAIT_MS = 15_000;

/**
 * Resolves when `client` enters `state` (at once if it already is there).
 * @param {import('../broker-client.js').BrokerClient} client
 * @param {string} state
 * @returns {Promise<object>} the state event's detail
 */
export function waitForState(client, state, ms = WAIT_MS) {
  if (client.state === state) return Promise.resolve({});
  let off;
  const reached = new Promise((resolve) => {
    off = client.on('state', (current, detail) => current === state && resolve(detail));
  });
  return withTimeout(reached, ms, `client did not reach state ${state}`).finally(off);
}

/** Collects what a subscription handler receives, and awaits a number of deliveries. */
export class Inbox {
  constructor() {
    /** @type {{data: unknown, topic: string, offset: number}[]} */
    this.received = [];
    this._waiters = [];
    this.handler = (data, { topic, offset }) => {
      this.received.push({ data, topic, offset });
      this._waiters = this._waiters.filter((waiter) => !waiter());
    };
  }

  /**
   * @param {number} count
   * @returns {Promise<{data: unknown, topic: string, offset: number}[]>} the first `count` deliveries
   */
  take(count, ms = WAIT_MS) {
    return this.until((received) => received.length >= count, ms).then((received) => received.slice(0, count));
  }

  /**
   * Resolves with everything received once `predicate(received)` holds.
   * @param {(received: {data: unknown, topic: string, offset: number}[]) => boolean} predicate
   */
  until(predicate, ms = WAIT_MS) {
    const reached = new Promise((resolve) => {
      const waiter = () => predicate(this.received) && (resolve([...this.received]), true);
      if (!waiter()) this._waiters.push(waiter);
    });
    return withTimeout(reached, ms, 'the expected messages did not arrive');
  }
}

/** A topic no other test uses, so tests on one broker stay independent. */
export function uniqueTopic(prefix) {
  return `${prefix}.${Math.random().toString(36).slice(2, 10)}`;
}
