// fwlb operations page: reads both apps' REST APIs every REFRESH_MS, keeps a short history of placements to
// show new connections per second, and offers the admin actions only to a user with the admin role.
'use strict';

const REFRESH_MS = 2000;
const HISTORY_MS = 5 * 60 * 1000;
const ROOT = location.pathname.replace(/\/ui\/?[^/]*$/, '');          // /onos/fwlb
const DISPATCH = ROOT.replace(/\/fwlb$/, '/cluster-dispatch');       // /onos/cluster-dispatch
const COLORS = ['#1e88e5', '#e53935', '#43a047', '#fb8c00', '#8e24aa', '#00897b', '#6d4c41', '#3949ab'];

const JSON_POST = body => ({ method: 'POST', headers: { 'Content-Type': 'application/json' },
                             body: JSON.stringify(body || {}) });

const state = { error: null, admin: false, history: [], lastPlaced: {}, lastTime: 0, rates: {}, dispatchRates: {},
                lastDispatchPlaced: {}, dispatchPresent: true };

async function api(path, options) {
  const r = await fetch(path, Object.assign({ credentials: 'same-origin', cache: 'no-store' }, options || {}));
  const text = await r.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch (e) { body = { message: text }; }
  if (!r.ok) {
    const err = new Error((body && body.message) || ('HTTP ' + r.status));
    err.status = r.status;
    throw err;
  }
  return body;
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => {
    if (k === 'class') e.className = v; else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'style') e.style.cssText = v;                   // CSSOM: allowed by the page's CSP
    else e.setAttribute(k, v);
  });
  children.flat().forEach(c => e.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c))));
  return e;
}

function stateCell(v) { return el('td', { class: 'st-' + v }, v); }

function fill(tbody, rows) { tbody.replaceChildren(...rows); }

function action(label, fn, id) {
  return el('button', { 'data-action': label, 'data-member': id, onclick: async ev => {
    ev.target.disabled = true;
    try {
      await fn();
      state.error = null;
    } catch (e) {
      state.error = label + ' ' + id + ' refused: ' + e.message;       // shown until the next action succeeds
    }
    await refresh();
  } }, label);
}

function setStatus(text, error) {
  const s = document.getElementById('status');
  s.textContent = text;
  s.className = error ? 'error' : 'muted';
}

// ---- firewall sandwich ---------------------------------------------------------------------------

function firewallRow(f, placed) {
  const post = a => () => api(ROOT + '/firewalls/' + encodeURIComponent(f.id) + '/' + a, JSON_POST());
  const acts = el('td', { class: 'act' });
  if (state.admin) {
    if (f.adminState === 'up') acts.append(action('drain', post('drain'), f.id), action('down', post('down'), f.id));
    else if (f.adminState === 'draining') acts.append(action('undrain', post('undrain'), f.id), action('down', post('down'), f.id));
    else acts.append(action('up', post('up'), f.id));
  }
  const rate = state.rates[f.id];
  return el('tr', { class: f.adminState, 'data-id': f.id },
    el('td', {}, f.id), stateCell(f.adminState), stateCell(f.health), stateCell(f.eligibility),
    el('td', {}, f.weight), el('td', { 'data-field': 'connections' }, f.connections),
    el('td', { 'data-field': 'placed' }, placed || 0), el('td', {}, rate == null ? '–' : rate.toFixed(1)),
    el('td', {}, f.packetRate), acts);
}

function sample(now, placements) {
  const dt = (now - state.lastTime) / 1000;
  const rates = {};
  if (state.lastTime) {
    Object.keys(placements).forEach(id => {
      rates[id] = Math.max(0, (placements[id] - (state.lastPlaced[id] || 0)) / dt);
    });
    state.history.push({ t: now, rates });
    while (state.history.length && state.history[0].t < now - HISTORY_MS) state.history.shift();
  }
  state.rates = rates;
  state.lastPlaced = Object.assign({}, placements);
  state.lastTime = now;
}

function drawChart(ids) {
  const c = document.getElementById('chart');
  const g = c.getContext('2d');
  const w = c.width, h = c.height, pad = 30;
  g.clearRect(0, 0, w, h);
  const now = Date.now();
  let max = 1;
  state.history.forEach(p => ids.forEach(id => { max = Math.max(max, p.rates[id] || 0); }));
  g.strokeStyle = '#ccc'; g.fillStyle = '#888'; g.font = '11px sans-serif';
  for (let i = 0; i <= 4; i++) {
    const y = h - pad + (pad * 2 - h) * i / 4;
    g.beginPath(); g.moveTo(pad, y); g.lineTo(w - 5, y); g.stroke();
    g.fillText((max * i / 4).toFixed(max < 4 ? 1 : 0), 2, y + 4);
  }
  g.fillText('-5 min', pad, h - 8); g.fillText('now', w - 30, h - 8);
  const x = t => pad + (w - pad - 5) * (1 - (now - t) / HISTORY_MS);
  const y = v => h - pad - (h - 2 * pad) * v / max;
  ids.forEach((id, k) => {
    g.strokeStyle = COLORS[k % COLORS.length]; g.lineWidth = 2; g.beginPath();
    state.history.forEach((p, i) => { const fn = i ? 'lineTo' : 'moveTo'; g[fn](x(p.t), y(p.rates[id] || 0)); });
    g.stroke();
  });
  document.getElementById('legend').replaceChildren(...ids.map((id, k) =>
    el('span', {}, el('i', { style: 'background:' + COLORS[k % COLORS.length] }), id)));
}

async function refreshSandwich(now) {
  const [fw, counters] = await Promise.all([api(ROOT + '/firewalls'), api(ROOT + '/counters')]);
  const placements = counters.placements || {};
  const ids = fw.firewalls.map(f => f.id);
  const fwPlaced = {};
  ids.forEach(id => { fwPlaced[id] = placements[id] || 0; });
  sample(now, fwPlaced);
  fill(document.querySelector('#firewalls tbody'), fw.firewalls.map(f => firewallRow(f, placements[f.id])));
  fill(document.querySelector('#counters-sandwich tbody'), [el('tr', {}, el('th', { colspan: 2 }, 'sandwich'))].concat(
    Object.entries(counters).filter(([k, v]) => typeof v === 'number')
      .map(([k, v]) => el('tr', {}, el('td', {}, k), el('td', {}, v)))));
  drawChart(ids);
}

// ---- hierarchical dispatch -----------------------------------------------------------------------

function memberRow(m, rate) {
  const acts = el('td', { class: 'act' });
  if (state.admin) {
    const url = DISPATCH + '/members/' + encodeURIComponent(m.id);
    const post = (what, body) => () => api(url + '/' + what, JSON_POST(body));
    ['up', 'draining', 'down'].filter(s => s !== m.adminState)
      .forEach(s => acts.append(action(s === 'draining' ? 'drain' : s, post('state', { state: s }), m.id)));
    const input = el('input', { class: 'weight', type: 'number', min: 0, max: 10000, value: m.weight });
    acts.append(input, action('weight', () => post('weight', { weight: Number(input.value) })(), m.id));
  }
  return el('tr', { class: m.adminState, 'data-id': m.id },
    el('td', {}, m.id), el('td', {}, m.role), el('td', {}, m.kind || ''), el('td', {}, m.stage),
    stateCell(m.adminState), stateCell(m.health), stateCell(m.eligibility), el('td', {}, m.weight),
    el('td', {}, m.connections), el('td', {}, m.placed), el('td', {}, rate == null ? '–' : rate.toFixed(1)), acts);
}

async function refreshDispatch(now, dt) {
  let services, dispatchers, servers, l7, counters;
  try {
    [services, dispatchers, servers, l7, counters] = await Promise.all(
      ['/services', '/dispatchers', '/servers', '/l7', '/counters'].map(p => api(DISPATCH + p)));
  } catch (e) {
    if (e.status === 404) {                  // the dispatch app is not installed: nothing to show
      document.getElementById('dispatch').hidden = true;
      return;
    }
    throw e;
  }
  document.getElementById('dispatch').hidden = false;
  document.getElementById('services').replaceChildren(...services.services.map(s =>
    el('div', { class: 'service' }, el('code', {}, s.id), ' ', s.vip + ':' + s.port + '/' + s.protocol, ' — ',
       s.stages.map(st => st.join(', ')).join(' → '), ' → ', (s.servers || []).join(', '))));
  const members = dispatchers.dispatchers.concat(servers.servers);
  const rates = {};
  members.forEach(m => {
    if (dt > 0 && state.lastDispatchPlaced[m.id] != null) rates[m.id] = Math.max(0, (m.placed - state.lastDispatchPlaced[m.id]) / dt);
    state.lastDispatchPlaced[m.id] = m.placed;
  });
  fill(document.querySelector('#members tbody'), members.map(m => memberRow(m, rates[m.id])));
  fill(document.querySelector('#l7 tbody'), l7.l7.map(d => el('tr', { 'data-id': d.id },
    el('td', {}, d.id), stateCell(d.health), el('td', {}, (d.reportAgeMs / 1000).toFixed(1) + ' s'),
    el('td', {}, d.requests == null ? '–' : d.requests), el('td', {}, d.relayedOut == null ? '–' : d.relayedOut),
    el('td', {}, d.relayedIn == null ? '–' : d.relayedIn), el('td', {}, d.badRequests == null ? '–' : d.badRequests),
    el('td', {}, Object.entries(d.servers || {}).map(([id, s]) => id + ' ' + s.health).join(', ')))));
  fill(document.querySelector('#counters-dispatch tbody'), [el('tr', {}, el('th', { colspan: 2 }, 'dispatch'))].concat(
    Object.entries(counters).filter(([k, v]) => typeof v === 'number')
      .map(([k, v]) => el('tr', {}, el('td', {}, k), el('td', {}, v)))));
}

let busy = false;
async function refresh() {
  if (busy) return;
  busy = true;
  const now = Date.now();
  const dt = state.lastTime ? (now - state.lastTime) / 1000 : 0;
  try {
    await refreshSandwich(now);
    await refreshDispatch(now, dt);
    setStatus('updated ' + new Date(now).toLocaleTimeString() + (state.error ? ' — ' + state.error : ''),
              !!state.error);
    document.body.dataset.refreshed = String(now);
  } catch (e) {
    setStatus('refresh failed: ' + e.message, true);
  } finally {
    busy = false;
  }
}

async function start() {
  try {
    const s = await api(ROOT + '/ui/session/info');
    state.admin = !!s.admin;
    document.getElementById('who').textContent = (s.user || '?') + (s.admin ? ' (admin)' : ' (viewer: read only)');
  } catch (e) {
    setStatus('session unknown: ' + e.message, true);
  }
  document.body.classList.add(state.admin ? 'admin' : 'viewer');
  await refresh();
  setInterval(refresh, REFRESH_MS);
}

start();
