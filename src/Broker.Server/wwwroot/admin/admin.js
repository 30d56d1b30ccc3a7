// The admin page: polls GET /api/admin/overview with the admin key (sessionStorage) and renders the cluster.
// Every request is bounded (AbortController), so a slow node or network never freezes the page.
import { COLORS, drawChart, formatNumber } from './chart.js';

const KEY = 'broker.adminKey';
const REFRESH_MS = 2000;
const REQUEST_TIMEOUT_MS = 5000;
const CHARTS = ['publishRate', 'deliveryRate', 'connections', 'lagMs'];

const $ = (selector) => document.querySelector(selector);
let timer;

function showLogin(error = '') {
  clearTimeout(timer);
  $('#dashboard').hidden = true;
  $('#logout').hidden = true;
  $('#login-form').hidden = false;
  $('#login-error').textContent = error;
  $('#key-input').focus();
}

function showDashboard() {
  $('#login-form').hidden = true;
  $('#dashboard').hidden = false;
  $('#logout').hidden = false;
}

async function refresh() {
  const key = sessionStorage.getItem(KEY);
  if (!key) return showLogin();
  const abort = new AbortController();
  const timeout = setTimeout(() => abort.abort(), REQUEST_TIMEOUT_MS);
  try {
    const response = await fetch('/api/admin/overview', { headers: { Authorization: `Bearer ${key}` }, signal: abort.signal });
    if (response.status === 401 || response.status === 403) {
      sessionStorage.removeItem(KEY);
      const body = await response.json().catch(() => ({}));
      return showLogin(body.message ?? 'wrong admin key');
    }
    if (!response.ok) throw new Error(`overview answered ${response.status}`);
    render(await response.json());
    showDashboard();
    setUpdated('ok', `updated ${new Date().toLocaleTimeString()}`);
  } catch (error) {
    setUpdated('error', `overview unavailable (${error.name === 'AbortError' ? 'timed out' : error.message}); retrying`);
  } finally {
    clearTimeout(timeout);
  }
  timer = setTimeout(refresh, REFRESH_MS);
}

function setUpdated(state, text) {
  const updated = $('#updated');
  updated.dataset.state = state;
  updated.textContent = text;
}

/** up | down | unreachable | joining | leaving | ...: what the row shows and tests look for. */
export function nodeState(node) {
  if (node.status === 'Removed' || node.status === 'Down') return 'down';
  if (!node.reachable || !node.answered) return 'unreachable';
  return node.status.toLowerCase() === 'weaklyup' ? 'up' : node.status.toLowerCase();
}

const STATE_TEXT = { up: 'up', down: 'down', unreachable: 'not answering' };

function render(overview) {
  const up = overview.nodes.filter((n) => nodeState(n) === 'up').length;
  $('#summary').textContent = `${overview.mode} · ${up} of ${overview.nodes.length} node(s) up`;
  renderNodes(overview.nodes);
  renderCharts(overview.nodes);
  renderTopics(overview.nodes);
}

function renderNodes(nodes) {
  const rows = nodes.map((node) => {
    const s = node.stats;
    const state = nodeState(node);
    const row = document.createElement('tr');
    row.dataset.address = node.address;
    row.dataset.state = state;
    const cells = [
      [shortAddress(node.address) + (node.self ? ' (answering)' : ''), 'address'],
      [STATE_TEXT[state] ?? state, 'status'],
      [s ? uptime(s.uptimeSeconds) : '–', 'uptime'],
      [s ? formatNumber(s.connections) : '–', 'connections num'],
      [s ? formatNumber(s.publishRate) : '–', 'publish-rate num'],
      [s ? formatNumber(s.deliveryRate) : '–', 'delivery-rate num'],
      [s ? formatNumber(s.publishesTotal) : '–', 'publishes num'],
      [s ? formatNumber(s.deliveriesTotal) : '–', 'deliveries num'],
      [s ? formatNumber(s.slowConsumerDisconnects) : '–', 'slow-consumers num'],
      [s ? `${s.backplane.type} ${s.backplane.up ? 'up' : 'DOWN'}` : '–', 'backplane'],
      [s && s.backplane.lagMs !== null ? `${s.backplane.lagMs.toFixed(2)} ms` : '–', 'lag num'],
    ];
    for (const [text, className] of cells) {
      const cell = document.createElement('td');
      cell.className = className;
      cell.textContent = text;
      row.append(cell);
    }
    return row;
  });
  $('#nodes tbody').replaceChildren(...rows);
}

function renderCharts(nodes) {
  const shown = nodes.filter((n) => n.stats);
  for (const name of CHARTS) {
    drawChart($(`#chart-${name}`), shown.map((node, i) => ({
      color: COLORS[i % COLORS.length],
      points: node.stats.series.t.map((t, j) => [t, node.stats.series[name][j]]),
    })));
  }
  $('#legend').replaceChildren(...shown.map((node, i) => {
    const item = document.createElement('span');
    const swatch = document.createElement('i');
    swatch.style.background = COLORS[i % COLORS.length];
    item.append(swatch, shortAddress(node.address));
    return item;
  }));
}

// A topic's rate is cluster-wide (offsets), so nodes agree on it; its subscribers add up across nodes.
function renderTopics(nodes) {
  const topics = new Map();
  for (const node of nodes) {
    for (const t of node.stats?.topics ?? []) {
      const seen = topics.get(t.topic) ?? { topic: t.topic, subscribers: 0, rate: 0 };
      seen.subscribers += t.subscribers;
      seen.rate = Math.max(seen.rate, t.rate);
      topics.set(t.topic, seen);
    }
  }
  const rows = [...topics.values()]
    .sort((a, b) => b.rate - a.rate || b.subscribers - a.subscribers || a.topic.localeCompare(b.topic))
    .slice(0, 10)
    .map((t) => {
      const row = document.createElement('tr');
      row.dataset.topic = t.topic;
      for (const [text, className] of [[t.topic, 'topic'], [formatNumber(t.subscribers), 'subscribers num'], [formatNumber(t.rate), 'rate num']]) {
        const cell = document.createElement('td');
        cell.className = className;
        cell.textContent = text;
        row.append(cell);
      }
      return row;
    });
  $('#topics tbody').replaceChildren(...rows);
}

/** akka.tcp://broker@10.0.0.1:4053 → 10.0.0.1:4053 (the full address stays in the row's data-address). */
function shortAddress(address) {
  return address.replace(/^akka(\.tcp)?:\/\/[^@]+@?/, '') || address;
}

function uptime(seconds) {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h > 0 ? `${h}h ${m}m` : `${m}m ${seconds % 60}s`;
}

$('#login-form').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem(KEY, $('#key-input').value);
  $('#key-input').value = '';
  refresh();
});

$('#logout').addEventListener('click', () => {
  sessionStorage.removeItem(KEY);
  showLogin();
});

refresh();
