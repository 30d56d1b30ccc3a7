// Client for the Broker's JSON protocol on `/ws` (docs/protocol.md): one JSON object per text frame, both ways.
// Zero dependencies; runs in browsers and in Node 20+ given a WebSocket implementation (e.g. the `ws` package).
// Unknown keys in server frames are ignored (the protocol lets servers add fields); binary frames are reported as
// errors and dropped, because the server never sends them.

/** Close codes after which the client reconnects: the server's table (src/Broker.Protocol/CloseStatusRules.cs). */
const RECONNECT_CODES = new Set([
  1001, // going away: the node is shutting down, another node can take us
  1006, // abnormal closure: TCP dropped, or the connection or handshake failed
  1011, // internal error
  1012, // service restart
  1013, // try again later
  1014, // bad gateway
  4000, // slow consumer: our outbound queue overflowed on the server
  4001, // heartbeat timeout
  4005, // token expired: reconnect, and getToken() supplies a fresh one
]);

/**
 * Whether a client should reconnect after its socket closed with `code`. Every other code (1000 normal closure,
 * 1002/1003/1007/1009 protocol faults, 4002 too many violations, 4003 authentication failed, 4006 disconnected by the
 * server, anything unknown) means: stay closed, because
 * reconnecting would repeat the same fault or override a deliberate close.
 * @param {number} code
 * @returns {boolean}
 */
export function shouldReconnect(code) {
  return RECONNECT_CODES.has(code);
}

/**
 * Delay before reconnect attempt `attempt` (0 for the first): "full jitter", a uniform pick in
 * [0, min(maxMs, baseMs * 2^attempt)), so a fleet of clients dropped together does not reconnect in lockstep.
 * @param {number} attempt
 * @param {number} baseMs
 * @param {number} maxMs
 * @param {() => number} [random] uniform in [0, 1)
 * @returns {number}
 */
export function backoffDelay(attempt, baseMs, maxMs, random = Math.random) {
  // The exponent is capped so 2^attempt cannot overflow to Infinity after many failures.
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}

/**
 * Whether subscription `pattern` covers the concrete `topic` (docs/protocol.md, Topics): a `*` segment matches exactly
 * one segment; a last segment `>` matches one or more segments.
 * @param {string} pattern
 * @param {string} topic
 * @returns {boolean}
 */
export function topicMatches(pattern, topic) {
  if (pattern === topic) return true;
  const want = pattern.split('.');
  const have = topic.split('.');
  for (let i = 0; i < want.length; i++) {
    if (want[i] === '>' && i === want.length - 1) return have.length > i;
    if (i >= have.length) return false;
    if (want[i] !== '*' && want[i] !== have[i]) return false;
  }
  return want.length === have.length;
}

/** An error reply from the server (its stable `code`, e.g. `bad_topic`) or a client-side failure (see README). */
export class BrokerError extends Error {
  /**
   * @param {string} code
   * @param {string} message
   */
  constructor(code, message) {
    super(message);
    this.name = 'BrokerError';
    this.code = code;
  }
}

const DEFAULTS = Object.freeze({
  reconnect: true,
  backoff: Object.freeze({ baseMs: 500, maxMs: 30_000, resetAfterMs: 10_000 }),
  maxQueuedPublishes: 100,
  heartbeat: Object.freeze({ intervalMs: 30_000, timeoutMs: 10_000 }),
  refreshBeforeMs: 30_000,
});

/** Close code and reason the client reports when its own heartbeat finds the connection dead (as the server's 4001). */
const HEARTBEAT_TIMEOUT = Object.freeze({ code: 4001, reason: 'heartbeat timeout' });

/** WebSocket.OPEN; read from the constant because implementations share it, not from the instance. */
const OPEN = 1;

export class BrokerClient {
  /**
   * @param {string} url e.g. `ws://localhost:8080/ws`
   * @param {object} [options] see broker-client.d.ts (BrokerClientOptions)
   */
  constructor(url, options = {}) {
    const WebSocketImpl = options.WebSocket ?? globalThis.WebSocket;
    if (typeof WebSocketImpl !== 'function') {
      throw new TypeError('No WebSocket implementation: pass options.WebSocket (e.g. the "ws" package) in Node < 22');
    }
    this._url = url;
    this._WebSocket = WebSocketImpl;
    this._protocols = options.protocols;
    this._reconnect = options.reconnect ?? DEFAULTS.reconnect;
    this._backoff = { ...DEFAULTS.backoff, ...options.backoff };
    this._maxQueuedPublishes = options.maxQueuedPublishes ?? DEFAULTS.maxQueuedPublishes;
    this._heartbeat = options.heartbeat === false ? null : { ...DEFAULTS.heartbeat, ...options.heartbeat };
    this._getToken = options.getToken;
    this._refreshBeforeMs = options.refreshBeforeMs ?? DEFAULTS.refreshBeforeMs;
    this._refreshTimer = null;
    /** The server's `connected` reply on the current connection ({client, user, expires}), or null. */
    this._session = null;

    this._state = 'closed';
    this._listeners = { state: new Set(), error: new Set(), recovered: new Set(), reset: new Set() };
    this._socket = null;
    this._attempt = 0;
    this._openedAt = 0;
    this._socketError = undefined;
    this._retryTimer = null;
    this._heartbeatTimer = null;
    this._heartbeatDeadline = null;
    this._lastFrameAt = 0;
    this._nextId = 1;
    /** @type {Map<number, {resolve: Function, reject: Function, onDrop: 'reject' | 'keep' | 'resolve'}>} */
    this._pending = new Map();
    /** topic or pattern -> { handlers, acked, waiters } */
    this._subscriptions = new Map();
    /** Publishes waiting for a connection, sent in order after the resubscribes. */
    this._queue = [];
    /** Concrete topic -> offset last handed to handlers on THIS connection, to drop duplicate deliveries. */
    this._delivered = new Map();
    /** Concrete topic -> offset last received, across connections (for resuming). */
    this._lastOffsets = new Map();
    /** Concrete topic -> the epoch its offsets belong to (from the subscribe ack or a reset). */
    this._epochs = new Map();
    this._connectWaiters = [];
  }

  /** This connection's `client` id and `user` from the server's `connected` reply (with getToken), else null. */
  get session() {
    return this._session;
  }

  /** 'connecting' | 'open' | 'reconnecting' | 'closed' */
  get state() {
    return this._state;
  }

  /**
   * Opens the connection (retrying per the reconnect policy). Resolves once open; rejects when the client ends up
   * closed first (close() was called, or the server closed with a code that forbids reconnecting).
   * @returns {Promise<void>}
   */
  connect() {
    if (this._state === 'open') return Promise.resolve();
    const opened = new Promise((resolve, reject) => this._connectWaiters.push({ resolve, reject }));
    if (this._state === 'closed') {
      this._attempt = 0;
      this._setState('connecting');
      this._openSocket();
    }
    return opened;
  }

  /**
   * Closes with 1000 and stays closed: no reconnect. Requests awaiting a reply reject with code `closed`.
   * @returns {Promise<void>} resolved once the socket has closed
   */
  close() {
    clearTimeout(this._retryTimer);
    this._retryTimer = null;
    clearTimeout(this._refreshTimer);
    this._refreshTimer = null;
    this._stopHeartbeat();
    const socket = this._socket;
    this._socket = null;
    // Detached from the client, the socket's close event now only settles this promise.
    const closed = socket ? new Promise((resolve) => { socket.onclose = () => resolve(); }) : Promise.resolve();
    socket?.close(1000);
    this._enterClosed({ code: 1000, reason: '' }, new BrokerError('closed', 'the client was closed'));
    return closed;
  }

  /**
   * Subscribes `handler` to a topic or wildcard pattern. Resolves on the server's ack with a function that removes
   * this handler again. The subscription survives reconnects: the client subscribes again on every new connection.
   * @param {string} topic
   * @param {(data: unknown, meta: {topic: string, offset: number}) => void} handler
   * @returns {Promise<() => Promise<void>>}
   */
  subscribe(topic, handler) {
    if (typeof handler !== 'function') return Promise.reject(new TypeError('handler must be a function'));
    let sub = this._subscriptions.get(topic);
    if (!sub) {
      sub = { handlers: new Set(), acked: false, waiters: [] };
      this._subscriptions.set(topic, sub);
      if (this._isOpen()) this._sendSubscribe(topic, sub);
    }
    sub.handlers.add(handler);
    const unsubscribe = () => this.unsubscribe(topic, handler);
    if (sub.acked) return Promise.resolve(unsubscribe);
    return new Promise((resolve, reject) => {
      sub.waiters.push({ resolve: () => resolve(unsubscribe), reject, handler });
    });
  }

  /**
   * Removes `handler` from `topic` (every handler when omitted). The server is told once no handler is left.
   * Resolves on the server's ack, or at once when not connected (the server holds nothing for us then).
   * @param {string} topic
   * @param {Function} [handler]
   * @returns {Promise<void>}
   */
  unsubscribe(topic, handler) {
    const sub = this._subscriptions.get(topic);
    if (!sub) return Promise.resolve();
    if (handler) sub.handlers.delete(handler);
    else sub.handlers.clear();
    // A subscribe() still waiting for its ack rejects once its handler is gone.
    const aborted = new BrokerError('unsubscribed', `unsubscribed from ${topic} before the ack`);
    const gone = sub.waiters.filter((waiter) => !sub.handlers.has(waiter.handler));
    sub.waiters = sub.waiters.filter((waiter) => sub.handlers.has(waiter.handler));
    for (const waiter of gone) waiter.reject(aborted);
    if (sub.handlers.size > 0) return Promise.resolve();
    this._subscriptions.delete(topic);
    if (!this._isOpen()) return Promise.resolve();
    // The subscription dies with the connection anyway, so a drop before the ack still means "done".
    return this._request({ type: 'unsubscribe', topic }, 'resolve').then(() => undefined);
  }

  /**
   * Publishes `data` (any JSON value) to a concrete topic. Resolves with the offset the broker gave it. While not
   * connected, up to `maxQueuedPublishes` publishes wait and go out after reconnecting; beyond that they reject with
   * `queue_full`. A publish already sent when the connection drops rejects with `connection_lost`: it may or may
   * not have been published.
   * @param {string} topic
   * @param {unknown} data
   * @returns {Promise<{offset: number}>}
   */
  publish(topic, data) {
    if (data === undefined) return Promise.reject(new TypeError('data must be a JSON value, not undefined'));
    const command = { type: 'publish', topic, data };
    if (this._isOpen()) return this._request(command, 'reject').then((ack) => ({ offset: ack.offset }));
    if (this._state === 'closed') {
      return Promise.reject(new BrokerError('closed', 'the client is closed; call connect() first'));
    }
    if (this._queue.length >= this._maxQueuedPublishes) {
      return Promise.reject(new BrokerError('queue_full', `${this._queue.length} publishes already wait for a connection`));
    }
    return new Promise((resolve, reject) => this._queue.push({ command, resolve, reject }))
      .then((ack) => ({ offset: ack.offset }));
  }

  /**
   * Application-level round trip. Resolves with the round-trip time in milliseconds; rejects with `not_connected`
   * when the connection is not open.
   * @returns {Promise<number>}
   */
  ping() {
    if (!this._isOpen()) return Promise.reject(new BrokerError('not_connected', 'the connection is not open'));
    const started = now();
    return this._request({ type: 'ping' }, 'reject').then(() => now() - started);
  }

  /**
   * The offset of the last message received on a concrete topic (through any subscription), or undefined.
   * @param {string} topic
   * @returns {number | undefined}
   */
  lastOffset(topic) {
    return this._lastOffsets.get(topic);
  }

  /**
   * The epoch of a concrete topic's offsets (docs/protocol.md, History and recovery), or undefined before its first ack.
   * @param {string} topic
   * @returns {string | undefined}
   */
  epoch(topic) {
    return this._epochs.get(topic);
  }

  /**
   * The messages a concrete topic retains: the last `limit` (all retained when omitted), or those after `since`.
   * Resolves with `{ topic, epoch, offset, messages: [{ offset, data }] }` (offset = the topic's latest).
   * @param {string} topic
   * @param {{limit?: number, since?: {offset: number, epoch: string}}} [options]
   * @returns {Promise<{topic: string, epoch: string, offset: number, messages: {offset: number, data: unknown}[]}>}
   */
  history(topic, options = {}) {
    if (!this._isOpen()) return Promise.reject(new BrokerError('not_connected', 'the connection is not open'));
    const command = { type: 'history', topic };
    if (options.limit !== undefined) command.limit = options.limit;
    if (options.since !== undefined) command.since = options.since;
    return this._request(command, 'reject').then(({ topic: t, epoch, offset, messages }) => ({ topic: t, epoch, offset, messages }));
  }

  /**
   * Listens to 'state' (state, detail), 'error' (error), 'recovered' (topic, {recovered, epoch, offset}: after a
   * resubscribe that asked to recover what a drop missed; false means messages may have been lost) or 'reset'
   * (topic, {epoch}: the topic's past was lost on the server; offsets start again). Returns a remover.
   * @param {'state' | 'error' | 'recovered' | 'reset'} event
   * @param {Function} listener
   * @returns {() => void}
   */
  on(event, listener) {
    const listeners = this._listeners[event];
    if (!listeners) throw new TypeError(`unknown event ${event}`);
    listeners.add(listener);
    return () => this.off(event, listener);
  }

  /**
   * @param {'state' | 'error' | 'recovered' | 'reset'} event
   * @param {Function} listener
   */
  off(event, listener) {
    this._listeners[event]?.delete(listener);
  }

  _openSocket() {
    this._retryTimer = null;
    let socket;
    try {
      socket = this._protocols === undefined
        ? new this._WebSocket(this._url)
        : new this._WebSocket(this._url, this._protocols);
    } catch (error) {
      // A malformed URL throws synchronously; retrying cannot fix it.
      this._emit('error', error);
      this._enterClosed({ code: 0, reason: String(error?.message ?? error) }, new BrokerError('closed', 'invalid URL'));
      return;
    }
    this._socket = socket;
    this._socketError = undefined;
    // Handlers check identity: a socket we abandoned must not touch the current connection's state.
    socket.onopen = () => this._socket === socket && this._authenticate(socket);
    socket.onmessage = (event) => this._socket === socket && this._onFrame(event.data);
    // A failed attempt errors on every retry during an outage: the error rides on the next state event's detail
    // instead of flooding 'error' listeners.
    socket.onerror = (event) => {
      if (this._socket === socket) this._socketError = socketError(event);
    };
    socket.onclose = (event) => this._socket === socket && this._onClose(event.code, event.reason);
  }

  /**
   * With getToken: the first message is `connect` (docs/protocol.md), and nothing else is sent before `connected`
   * (a server that denies anonymous connections would close with 4003). Without it the connection is anonymous.
   */
  async _authenticate(socket) {
    if (!this._getToken) {
      this._onOpen();
      return;
    }
    try {
      const token = await this._getToken();
      if (this._socket !== socket) return;
      this._session = await this._authRequest({ type: 'connect', token });
      if (this._socket !== socket) return;
      this._scheduleRefresh(socket);
      this._onOpen();
    } catch (error) {
      // A getToken() failure is the application's; report it and let the reconnect policy try again later.
      if (this._socket !== socket) return;
      this._emit('error', error);
      this._abandon(socket, { code: 1006, reason: 'getToken failed' });
    }
  }

  /** Sends connect/refresh on the socket even though the client is not 'open' yet; settles on the reply. */
  _authRequest(command) {
    const id = this._nextId++;
    return new Promise((resolve, reject) => {
      this._pending.set(id, { resolve, reject, onDrop: 'reject' });
      this._socket.send(JSON.stringify({ ...command, id }));
    });
  }

  /**
   * Refreshes the token `refreshBeforeMs` before it expires, but not before halfway through its remaining life: a token
   * shorter than twice `refreshBeforeMs` is not refreshed back to back.
   */
  _scheduleRefresh(socket) {
    clearTimeout(this._refreshTimer);
    const remainingMs = this._session.expires * 1000 - Date.now();
    const delayMs = Math.max(0, remainingMs - this._refreshBeforeMs, remainingMs / 2);
    this._refreshTimer = setTimeout(async () => {
      try {
        const token = await this._getToken();
        if (this._socket !== socket) return;
        const ack = await this._authRequest({ type: 'refresh', token });
        if (this._socket !== socket) return;
        this._session = { ...this._session, expires: ack.expires };
        this._scheduleRefresh(socket);
      } catch (error) {
        // The server closes with 4005 when the token runs out; reconnecting then calls getToken() again.
        this._emit('error', error);
      }
    }, delayMs);
  }

  _onOpen() {
    this._openedAt = now();
    this._delivered.clear();
    // Order matters: subscriptions first, then queued publishes, so a publish to a topic we also subscribe to
    // reaches the server after our subscribe (the server answers in order).
    for (const [topic, sub] of this._subscriptions) this._sendSubscribe(topic, sub);
    const queued = this._queue;
    this._queue = [];
    for (const item of queued) this._request(item.command, 'reject').then(item.resolve, item.reject);
    this._startHeartbeat(this._socket);
    this._setState('open');
    for (const waiter of this._connectWaiters.splice(0)) waiter.resolve();
  }

  /**
   * Browsers hide the server's WebSocket pings, and a connection whose network died silently may take minutes to
   * error. So the client pings at the application level: no frame at all within timeoutMs of a ping means dead.
   */
  _startHeartbeat(socket) {
    if (!this._heartbeat) return;
    const { intervalMs, timeoutMs } = this._heartbeat;
    this._heartbeatTimer = setInterval(() => {
      if (this._heartbeatDeadline || !this._isOpen()) return;
      const sentAt = now();
      this._heartbeatDeadline = setTimeout(() => {
        this._heartbeatDeadline = null;
        if (this._socket === socket && this._lastFrameAt < sentAt) this._abandon(socket, HEARTBEAT_TIMEOUT);
      }, timeoutMs);
      // A drop rejects the ping; the close that caused it is handled by _onClose.
      this._request({ type: 'ping' }, 'reject').catch(() => {});
    }, intervalMs);
  }

  _stopHeartbeat() {
    clearInterval(this._heartbeatTimer);
    clearTimeout(this._heartbeatDeadline);
    this._heartbeatTimer = null;
    this._heartbeatDeadline = null;
  }

  /** Gives up on a socket that stopped answering: its close handshake could hang as long as the dead TCP does. */
  _abandon(socket, { code, reason }) {
    this._socket = null;
    socket.onclose = null;
    socket.close(code, reason);
    this._onClose(code, reason);
  }

  _onClose(code, reason) {
    this._stopHeartbeat();
    clearTimeout(this._refreshTimer);
    this._refreshTimer = null;
    this._session = null;
    this._socket = null;
    const cause = this._socketError ? { code, reason, error: this._socketError } : { code, reason };
    const stable = this._openedAt !== 0 && now() - this._openedAt >= this._backoff.resetAfterMs;
    this._openedAt = 0;
    if (stable) this._attempt = 0;
    for (const sub of this._subscriptions.values()) sub.acked = false;
    this._dropPending(new BrokerError('connection_lost', `connection closed (${code}) before the reply`));
    if (!this._reconnect || !shouldReconnect(code)) {
      this._enterClosed(cause, new BrokerError('closed', `connection closed with ${code}`));
      return;
    }
    const delayMs = backoffDelay(this._attempt, this._backoff.baseMs, this._backoff.maxMs);
    this._attempt += 1;
    this._setState('reconnecting', { ...cause, attempt: this._attempt, delayMs });
    this._retryTimer = setTimeout(() => this._openSocket(), delayMs);
  }

  /** Terminal state: everything still waiting rejects with `error`; subscriptions stay for a later connect(). */
  _enterClosed(detail, error) {
    this._dropPending(error);
    for (const item of this._queue.splice(0)) item.reject(error);
    for (const sub of this._subscriptions.values()) {
      sub.acked = false;
      for (const waiter of sub.waiters.splice(0)) waiter.reject(error);
    }
    for (const waiter of this._connectWaiters.splice(0)) waiter.reject(error);
    if (this._state !== 'closed') this._setState('closed', detail);
  }

  _dropPending(error) {
    const pending = [...this._pending.values()];
    this._pending.clear();
    for (const request of pending) {
      if (request.onDrop === 'resolve') request.resolve({});
      else if (request.onDrop === 'reject') request.reject(error);
    }
  }

  _sendSubscribe(topic, sub) {
    // A concrete topic we already had messages of resumes where it left off: the server replays what we missed.
    const concrete = !isPattern(topic);
    const since = concrete && this._epochs.has(topic) && this._lastOffsets.has(topic)
      ? { offset: this._lastOffsets.get(topic), epoch: this._epochs.get(topic) }
      : undefined;
    const onAck = (ack) => {
      // Ignore an ack that arrives after the topic was unsubscribed or replaced.
      if (this._subscriptions.get(topic) !== sub) return;
      if (concrete && typeof ack.epoch === 'string') this._onPosition(topic, ack, since);
      sub.acked = true;
      for (const waiter of sub.waiters.splice(0)) waiter.resolve();
    };
    const onError = (error) => {
      if (this._subscriptions.get(topic) !== sub) return;
      // A rejected subscription is removed entirely: the server would reject it again on every reconnect.
      this._subscriptions.delete(topic);
      if (sub.waiters.length === 0) this._emit('error', error);
      for (const waiter of sub.waiters.splice(0)) waiter.reject(error);
    };
    // 'keep': a drop leaves the waiters waiting for the resubscribe on the next connection.
    const command = since ? { type: 'subscribe', topic, since } : { type: 'subscribe', topic };
    this._request(command, 'keep').then(onAck, onError);
  }

  /**
   * After a subscribe ack: the server sends exactly the offsets above the ack's next (the replay first when
   * recovered), so the ack's position becomes ours unless the replay continues from what we had.
   */
  _onPosition(topic, ack, since) {
    this._epochs.set(topic, ack.epoch);
    if (since === undefined || ack.recovered !== true) {
      this._lastOffsets.set(topic, ack.offset);
      this._delivered.set(topic, ack.offset);
    }
    if (since !== undefined) {
      this._emit('recovered', topic, { recovered: ack.recovered === true, epoch: ack.epoch, offset: ack.offset });
    }
  }

  _onReset({ topic, epoch }) {
    // Offsets start again in the new epoch: forget ours so offset 1 is not taken for a duplicate.
    this._epochs.set(topic, epoch);
    this._delivered.delete(topic);
    this._lastOffsets.delete(topic);
    this._emit('reset', topic, { epoch });
  }

  /** Sends `command` with a fresh id; the returned promise settles on the reply carrying that id. */
  _request(command, onDrop) {
    const id = this._nextId++;
    let frame;
    try {
      frame = JSON.stringify({ ...command, id });
    } catch (error) {
      return Promise.reject(error); // e.g. a BigInt or a cycle in publish data: nothing was sent
    }
    return new Promise((resolve, reject) => {
      this._pending.set(id, { resolve, reject, onDrop });
      this._socket.send(frame);
    });
  }

  _onFrame(raw) {
    this._lastFrameAt = now();
    if (typeof raw !== 'string') {
      this._emit('error', new BrokerError('bad_frame', 'the server sent a binary frame'));
      return;
    }
    let frame;
    try {
      frame = JSON.parse(raw);
    } catch {
      this._emit('error', new BrokerError('bad_frame', 'the server sent a frame that is not JSON'));
      return;
    }
    switch (frame?.type) {
      case 'message':
        this._onMessage(frame);
        break;
      case 'ack':
      case 'connected':
      case 'history':
        this._settle(frame.id, (request) => request.resolve(frame));
        break;
      case 'reset':
        this._onReset(frame);
        break;
      case 'error': {
        const error = new BrokerError(String(frame.code), String(frame.message ?? frame.code));
        if (!this._settle(frame.id, (request) => request.reject(error))) this._emit('error', error);
        break;
      }
      default:
        break; // future server frame types: ignored, like unknown keys
    }
  }

  _settle(id, settle) {
    const request = id === undefined ? undefined : this._pending.get(id);
    if (!request) return false;
    this._pending.delete(id);
    settle(request);
    return true;
  }

  _onMessage({ topic, offset, data }) {
    // The server delivers a message once per matching subscription (docs/protocol.md); each handler should see it
    // once, so every matching handler runs on the first copy and later copies (offset not newer) are dropped.
    const seen = this._delivered.get(topic);
    if (seen !== undefined && offset <= seen) return;
    this._delivered.set(topic, offset);
    this._lastOffsets.set(topic, offset);
    const meta = { topic, offset };
    for (const [pattern, sub] of this._subscriptions) {
      if (!topicMatches(pattern, topic)) continue;
      for (const handler of sub.handlers) {
        try {
          handler(data, meta);
        } catch (error) {
          // One failing handler must not starve the others or break the connection.
          this._emit('error', error);
        }
      }
    }
  }

  _isOpen() {
    return this._state === 'open' && this._socket?.readyState === OPEN;
  }

  _setState(state, detail = {}) {
    this._state = state;
    this._emit('state', state, detail);
  }

  _emit(event, ...args) {
    for (const listener of [...this._listeners[event]]) {
      try {
        listener(...args);
      } catch (error) {
        // A throwing listener must not break the client; report it unless it was an error listener (no loops).
        if (event !== 'error') this._emit('error', error);
      }
    }
  }
}

function isPattern(topic) {
  return topic.split('.').some((segment) => segment === '*' || segment === '>');
}

function now() {
  return globalThis.performance?.now() ?? Date.now();
}

function socketError(event) {
  return event?.error instanceof Error ? event.error : new BrokerError('socket_error', event?.message ?? 'WebSocket error');
}
