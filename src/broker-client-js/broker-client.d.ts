/** Connection state: see README ("States"). */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** Where a delivered message came from. */
export interface MessageMeta {
  /** The concrete topic, also when the subscription was a wildcard pattern. */
  topic: string;
  /** The topic's sequence number: starts at 1, one more per message, cluster-wide. */
  offset: number;
}

export type MessageHandler = (data: unknown, meta: MessageMeta) => void;

/** A place in a topic's stream: the last offset held, in the epoch it belongs to. */
export interface StreamPosition {
  offset: number;
  epoch: string;
}

/** Detail of a 'recovered' event, after a resubscribe that asked the server to replay what a drop missed. */
export interface RecoveredDetail {
  /** True: every missed message was replayed (in order, before live ones). False: some may be lost (history too short, or the epoch changed). */
  recovered: boolean;
  /** The topic's epoch now. */
  epoch: string;
  /** The topic's latest offset when the server answered. */
  offset: number;
}

/** One client in a topic's presence: its cluster-wide connection id and its user (the token's sub; null when anonymous). */
export interface PresenceMember {
  client: string;
  user: string | null;
}

/** The answer of {@link BrokerClient.presence}. */
export interface PresenceResult {
  topic: string;
  clients: PresenceMember[];
}

/** The answer of {@link BrokerClient.presenceStats}: clients subscribed and distinct users among them. */
export interface PresenceStatsResult {
  topic: string;
  clients: number;
  users: number;
}

/** The answer of {@link BrokerClient.history}. */
export interface HistoryResult {
  topic: string;
  epoch: string;
  /** The topic's latest offset. */
  offset: number;
  /** Retained messages, oldest first. */
  messages: { offset: number; data: unknown }[];
}

/** Removes the handler it was returned for; resolves like {@link BrokerClient.unsubscribe}. */
export type Unsubscribe = () => Promise<void>;

/** Detail passed with a 'state' event; fields are present where they apply. */
export interface StateDetail {
  /** WebSocket close code that caused 'reconnecting' or 'closed' (1000 after close()). */
  code?: number;
  /** WebSocket close reason, when the peer sent one. */
  reason?: string;
  /** The socket's error event before that close, when there was one (e.g. ECONNREFUSED in Node). */
  error?: Error;
  /** 'reconnecting' only: the number of this retry, 1 for the first after a drop. */
  attempt?: number;
  /** 'reconnecting' only: milliseconds until the retry. */
  delayMs?: number;
}

/** Minimal constructor shape: the browser's WebSocket, or the npm `ws` package's default export. */
export interface WebSocketConstructor {
  new (url: string, protocols?: string | string[]): unknown;
}

export interface BackoffOptions {
  /** First retry's window: the delay is uniform in [0, baseMs * 2^attempt), capped by maxMs. Default 500. */
  baseMs?: number;
  /** Largest window in milliseconds. Default 30000. */
  maxMs?: number;
  /** A connection open at least this long (ms) counts as stable: the next drop starts again at attempt 0. Default 10000. */
  resetAfterMs?: number;
}

export interface HeartbeatOptions {
  /** How often (ms) an open connection sends an application-level ping. Default 30000. */
  intervalMs?: number;
  /** No frame at all within this long (ms) after a ping: the connection is dead; it is dropped with 4001 and reconnects. Default 10000. */
  timeoutMs?: number;
}

export interface BrokerClientOptions {
  /** WebSocket implementation; defaults to globalThis.WebSocket. */
  WebSocket?: WebSocketConstructor;
  /** Sec-WebSocket-Protocol values to offer; none by default. */
  protocols?: string | string[];
  /** Reconnect after a drop whose close code allows it. Default true. */
  reconnect?: boolean;
  backoff?: BackoffOptions;
  /** Client-side dead-connection detection; false turns it off. */
  heartbeat?: HeartbeatOptions | false;
  /** Publishes kept while not connected and sent after (re)connecting; more reject with `queue_full`. Default 100; 0 rejects every publish while disconnected. */
  maxQueuedPublishes?: number;
  /**
   * Supplies a JWT (docs/security.md). Called on every (re)connect, whose first message is then `connect`, and again
   * before the token expires (`refresh`). A rejection is reported as an 'error' event and the connection retried.
   */
  getToken?: () => string | Promise<string>;
  /** Refresh the token this long (ms) before it expires, but not before halfway through its remaining life. Default 30000. */
  refreshBeforeMs?: number;
}

/** The server's answer to `connect`. */
export interface Session {
  /** This connection's id, unique across the cluster. */
  client: string;
  /** The token's `sub`. */
  user: string;
  /** The token's `exp` (Unix seconds), updated by each refresh. */
  expires: number;
}

/**
 * A server error reply (`code` is the protocol's stable code: `bad_json`, `bad_request`, `unknown_type`, `bad_topic`,
 * `too_many_subscriptions`, `message_too_large`, `rate_limited`, `backplane_unavailable`, `forbidden`, `overloaded`) or a client-side failure
 * (`connection_lost`, `closed`, `queue_full`, `not_connected`, `unsubscribed`, `bad_frame`, `socket_error`).
 */
export class BrokerError extends Error {
  constructor(code: string, message: string);
  readonly name: 'BrokerError';
  readonly code: string;
}

export class BrokerClient {
  constructor(url: string, options?: BrokerClientOptions);

  readonly state: ConnectionState;
  /** The current connection's session when it authenticated with getToken, else null. */
  readonly session: Session | null;

  /** Opens the connection, retrying per the reconnect policy; rejects if the client ends up closed before it opens. */
  connect(): Promise<void>;
  /** Closes with 1000 and stays closed; resolves once the socket has closed. */
  close(): Promise<void>;

  /** Subscribes a handler to a topic or wildcard pattern; resolves on the server's ack. Survives reconnects. */
  subscribe(topic: string, handler: MessageHandler): Promise<Unsubscribe>;
  /** Removes one handler (all when omitted); the server is told once none is left. */
  unsubscribe(topic: string, handler?: MessageHandler): Promise<void>;
  /** Publishes any JSON value to a concrete topic; resolves with the offset the broker gave it. */
  publish(topic: string, data: unknown): Promise<{ offset: number }>;
  /** Application-level round trip; resolves with the round-trip time in milliseconds. */
  ping(): Promise<number>;
  /** Offset of the last message received on a concrete topic (or its subscribe ack's offset), or undefined. */
  lastOffset(topic: string): number | undefined;
  /** The epoch of a concrete topic's offsets, from its subscribe ack or a reset; undefined before. */
  epoch(topic: string): string | undefined;
  /** The last `limit` retained messages of a concrete topic (all retained when omitted), or those after `since`. */
  history(topic: string, options?: { limit?: number; since?: StreamPosition }): Promise<HistoryResult>;
  /** Who is subscribed to a concrete topic, cluster-wide; rejects with `not_available` where presence is off. */
  presence(topic: string): Promise<PresenceResult>;
  /** How many clients and distinct users are subscribed to a concrete topic (answered from counters). */
  presenceStats(topic: string): Promise<PresenceStatsResult>;

  on(event: 'state', listener: (state: ConnectionState, detail: StateDetail) => void): () => void;
  on(event: 'error', listener: (error: Error) => void): () => void;
  /** After each resubscribe of a concrete topic that asked to recover (the client sends `since` on reconnect). */
  on(event: 'recovered', listener: (topic: string, detail: RecoveredDetail) => void): () => void;
  /** The server lost the topic's past (new epoch): offsets start again at 1; messages may have been lost. */
  on(event: 'reset', listener: (topic: string, detail: { epoch: string }) => void): () => void;
  /** Another client subscribed to a topic we are subscribed to (namespace with join-leave on). */
  on(event: 'join', listener: (topic: string, member: PresenceMember) => void): () => void;
  /** Another client unsubscribed from, or disconnected from, a topic we are subscribed to (join-leave on). */
  on(event: 'leave', listener: (topic: string, member: PresenceMember) => void): () => void;
  off(event: 'state', listener: (state: ConnectionState, detail: StateDetail) => void): void;
  off(event: 'error', listener: (error: Error) => void): void;
  off(event: 'recovered', listener: (topic: string, detail: RecoveredDetail) => void): void;
  off(event: 'reset', listener: (topic: string, detail: { epoch: string }) => void): void;
  off(event: 'join' | 'leave', listener: (topic: string, member: PresenceMember) => void): void;
}

/** True when the client reconnects after a close with this code (1001, 1006, 1011–1014, 4000, 4001, 4005). */
export function shouldReconnect(code: number): boolean;
/** Full-jitter backoff: uniform integer in [0, min(maxMs, baseMs * 2^attempt)). */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random?: () => number): number;
/** Whether a subscription pattern (`*` one segment, trailing `>` one or more) covers a concrete topic. */
export function topicMatches(pattern: string, topic: string): boolean;
