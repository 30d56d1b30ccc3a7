// Chat demo: each room is the topic `chat.<room>`; a message is published as {nick, text, sentAt}.
// Every piece of user text reaches the page through textContent, never innerHTML.
import { BrokerClient } from '/client.js';

const ROOM_PATTERN = /^[A-Za-z0-9_\-:@]{1,64}$/; // one topic segment (docs/protocol.md, Topics)
const MAX_MESSAGES_PER_ROOM = 200;
// Messages fetched from the room's history when joining it.
const HISTORY_ON_JOIN = 50;
const STATE_LABELS = { connecting: 'connecting…', open: 'online', reconnecting: 'reconnecting…', closed: 'offline' };
const STORAGE = { nick: 'broker-chat.nick', rooms: 'broker-chat.rooms' };

const $ = (id) => document.getElementById(id);
const ui = {
  state: $('state'), reconnect: $('reconnect'), whoami: $('whoami'), whoamiNick: $('whoami-nick'),
  changeNick: $('change-nick'), nickForm: $('nick-form'), nickInput: $('nick-input'), chat: $('chat'),
  rooms: $('rooms'), roomForm: $('room-form'), roomInput: $('room-input'), roomTitle: $('room-title'),
  messages: $('messages'), composer: $('composer'), messageInput: $('message-input'),
  online: $('online'), onlineCount: $('online-count'), onlineList: $('online-list'),
};

const wsScheme = location.protocol === 'https:' ? 'wss' : 'ws';
const client = new BrokerClient(`${wsScheme}://${location.host}/ws`);

/** room name -> { entries: {kind, ...}[], unread: number, members: Map<client id, user | null> | null } */
const rooms = new Map();
let currentRoom = null;
let nick = localStorage.getItem(STORAGE.nick) ?? '';

client.on('state', (state, detail) => {
  ui.state.dataset.state = state;
  ui.state.textContent = STATE_LABELS[state];
  ui.state.title = detail.code ? `last close code ${detail.code}` : '';
  ui.reconnect.hidden = state !== 'closed';
});
client.on('error', (error) => console.warn('broker:', error.code ?? '', error.message));
ui.reconnect.addEventListener('click', () => connect());

ui.nickForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const chosen = ui.nickInput.value.trim();
  if (!chosen) return;
  nick = chosen;
  localStorage.setItem(STORAGE.nick, nick);
  start();
});

ui.changeNick.addEventListener('click', () => {
  ui.nickInput.value = nick;
  ui.chat.hidden = true;
  ui.nickForm.hidden = false;
  ui.nickInput.focus();
});

ui.roomForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const room = ui.roomInput.value.trim();
  if (!ROOM_PATTERN.test(room)) return;
  ui.roomInput.value = '';
  joinRoom(room);
  switchTo(room);
});

ui.composer.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = ui.messageInput.value.trim();
  if (!text || !currentRoom) return;
  ui.messageInput.value = '';
  const room = currentRoom;
  // While reconnecting the client queues the publish; the message shows up once the broker delivers it back.
  client.publish(topicOf(room), { nick, text, sentAt: Date.now() })
    .catch((error) => addEntry(room, { kind: 'notice', text: `not sent (${error.code ?? error.message}): ${text}` }));
});

function start() {
  ui.nickForm.hidden = true;
  ui.chat.hidden = false;
  ui.whoami.hidden = false;
  ui.whoamiNick.textContent = nick;
  if (rooms.size === 0) {
    const saved = JSON.parse(localStorage.getItem(STORAGE.rooms) ?? '["lobby"]');
    const valid = Array.isArray(saved) ? saved.filter((room) => ROOM_PATTERN.test(room)) : [];
    for (const room of valid.length ? valid : ['lobby']) joinRoom(room);
    switchTo([...rooms.keys()][0]);
  }
  ui.messageInput.focus();
  connect();
}

function connect() {
  client.connect().catch((error) => console.warn('broker: not connected:', error.message));
}

function topicOf(room) {
  return `chat.${room}`;
}

function joinRoom(room) {
  if (rooms.has(room)) return;
  rooms.set(room, { entries: [], unread: 0, members: null });
  saveRooms();
  renderRooms();
  client.subscribe(topicOf(room), (data, meta) => onMessage(room, data, meta))
    .then(() => {
      addEntry(room, { kind: 'notice', text: `joined #${room}` });
      loadPresence(room);
      return showHistory(room, client.lastOffset(topicOf(room)) ?? 0);
    })
    .catch((error) => addEntry(room, { kind: 'notice', text: `could not join (${error.code ?? error.message})` }));
}

// The last messages before we joined (offsets up to the subscribe ack's; later ones arrive live), placed first.
async function showHistory(room, upTo) {
  const { messages } = await client.history(topicOf(room), { limit: HISTORY_ON_JOIN });
  const state = rooms.get(room);
  if (!state) return;
  const earlier = [];
  for (const { offset, data } of messages) {
    if (offset > upTo || !isChatMessage(data)) continue;
    earlier.push({ kind: 'message', nick: data.nick, text: data.text, sentAt: data.sentAt ?? Date.now(), offset });
  }
  state.entries.unshift(...earlier);
  state.entries.splice(0, Math.max(0, state.entries.length - MAX_MESSAGES_PER_ROOM));
  if (room === currentRoom) renderMessages();
}

function isChatMessage(data) {
  return typeof data === 'object' && data !== null && typeof data.nick === 'string' && typeof data.text === 'string';
}

// After a drop the client resubscribes with `since`: say when the broker could not replay what we missed.
// Joins and leaves of the time away are not replayed: the online list is read again.
client.on('recovered', (topic, { recovered }) => {
  if (!recovered) noticeFor(topic, 'some messages may be missing (the broker no longer had them)');
  const room = roomOf(topic);
  if (room && rooms.has(room)) loadPresence(room);
});
client.on('reset', (topic) => noticeFor(topic, 'the room\'s history was reset on the server'));

function noticeFor(topic, text) {
  const room = roomOf(topic);
  if (room && rooms.has(room)) addEntry(room, { kind: 'notice', text });
}

function roomOf(topic) {
  return topic.startsWith('chat.') ? topic.slice('chat.'.length) : null;
}

// Who is online: the room's presence when we enter it and after every reconnect, then kept current by join and
// leave events.
function loadPresence(room) {
  client.presence(topicOf(room)).then(({ clients }) => {
    const state = rooms.get(room);
    if (!state) return;
    state.members = new Map(clients.map(({ client: id, user }) => [id, user]));
    if (room === currentRoom) renderOnline();
  }, (error) => {
    // not_available: the broker runs without the demo's config (hocon/demo.hocon); the chat works without the list.
    if (error.code !== 'not_available') console.warn('broker: presence failed:', error.message);
  });
}

client.on('join', (topic, member) => onPresence(topic, member, true));
client.on('leave', (topic, member) => onPresence(topic, member, false));

function onPresence(topic, { client: id, user }, joined) {
  const room = roomOf(topic);
  const state = room && rooms.get(room);
  if (!state) return;
  if (state.members) {
    if (joined) state.members.set(id, user);
    else state.members.delete(id);
  }
  addEntry(room, { kind: 'notice', text: `${memberName(id, user)} ${joined ? 'joined' : 'left'}` });
  if (room === currentRoom) renderOnline();
}

// The demo's connections are anonymous: a guest is named after the start of its client id.
function memberName(id, user) {
  return user ?? `guest·${id.slice(0, 6)}`;
}

function renderOnline() {
  const members = rooms.get(currentRoom)?.members;
  ui.online.hidden = !members;
  if (!members) return;
  ui.onlineCount.textContent = `(${members.size})`;
  ui.onlineList.replaceChildren(...[...members].map(([id, user]) => element('li', 'member', memberName(id, user))));
}

function leaveRoom(room) {
  client.unsubscribe(topicOf(room)).catch((error) => console.warn('broker: unsubscribe failed:', error.message));
  rooms.delete(room);
  saveRooms();
  if (currentRoom === room) switchTo(rooms.keys().next().value ?? null);
  renderRooms();
}

function switchTo(room) {
  currentRoom = room;
  if (room) rooms.get(room).unread = 0;
  ui.roomTitle.textContent = room ? `#${room}` : 'Join a room';
  ui.composer.hidden = !room;
  renderRooms();
  renderMessages();
  renderOnline();
}

function onMessage(room, data, { offset }) {
  // Anyone may publish anything to the topic: show only well-formed chat messages.
  if (!isChatMessage(data)) return;
  const sentAt = Number.isFinite(data.sentAt) ? data.sentAt : Date.now();
  addEntry(room, { kind: 'message', nick: data.nick, text: data.text, sentAt, offset });
}

function addEntry(room, entry) {
  const state = rooms.get(room);
  if (!state) return;
  state.entries.push(entry);
  if (state.entries.length > MAX_MESSAGES_PER_ROOM) state.entries.shift();
  if (room === currentRoom) {
    appendEntry(entry);
    if (ui.messages.children.length > MAX_MESSAGES_PER_ROOM) ui.messages.firstElementChild.remove();
  } else if (entry.kind === 'message') {
    state.unread += 1;
    renderRooms();
  }
}

function renderMessages() {
  ui.messages.replaceChildren();
  for (const entry of rooms.get(currentRoom)?.entries ?? []) appendEntry(entry);
}

function appendEntry(entry) {
  const stickToBottom = ui.messages.scrollHeight - ui.messages.scrollTop - ui.messages.clientHeight < 40;
  ui.messages.append(entry.kind === 'message' ? messageItem(entry) : element('li', 'notice', entry.text));
  if (stickToBottom) ui.messages.scrollTop = ui.messages.scrollHeight;
}

function messageItem({ nick: from, text, sentAt, offset }) {
  const item = element('li', from === nick ? 'message own' : 'message');
  item.dataset.offset = String(offset);
  const time = element('time', 'time', new Date(sentAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }));
  time.dateTime = new Date(sentAt).toISOString();
  const meta = element('div', 'meta');
  meta.append(element('span', 'nick', from), time);
  item.append(meta, element('div', 'text', text));
  return item;
}

function renderRooms() {
  ui.rooms.replaceChildren(...[...rooms].map(([room, state]) => {
    const item = element('li', room === currentRoom ? 'current' : '');
    const open = element('button', 'room-button', `#${room}`);
    open.type = 'button';
    open.dataset.room = room;
    open.addEventListener('click', () => switchTo(room));
    if (state.unread > 0) open.append(element('span', 'unread', String(state.unread)));
    const leave = element('button', 'leave', '×');
    leave.type = 'button';
    leave.title = `leave #${room}`;
    leave.setAttribute('aria-label', `leave #${room}`);
    leave.addEventListener('click', () => leaveRoom(room));
    item.append(open, leave);
    return item;
  }));
}

function saveRooms() {
  localStorage.setItem(STORAGE.rooms, JSON.stringify([...rooms.keys()]));
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

if (nick) {
  ui.nickInput.value = nick;
}
