/**
 * The demo's only stylesheet and script, served from the demo itself: nothing is loaded from a
 * CDN, so the pages work offline and in the tests.
 */

export const CSS = `
:root { color-scheme: light; }
body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #f4f4f5; color: #18181b; }
header { display: flex; gap: 1.5rem; align-items: center; background: #18181b; color: #fff; padding: 0.6rem 1.5rem; }
header a { color: #fff; text-decoration: none; }
header .brand { font-weight: 700; }
header nav { display: flex; gap: 1rem; flex-wrap: wrap; }
.mode { margin: 0; padding: 0.4rem 1.5rem; font-size: 0.9rem; }
.mode-emulator { background: #fef3c7; }
.mode-hh { background: #fee2e2; }
main { max-width: 62rem; margin: 1.5rem auto; background: #fff; padding: 1.25rem 2rem 2rem; border-radius: 8px; }
h1 { margin-top: 0.25rem; }
table { border-collapse: collapse; }
td, th { text-align: left; padding: 0.2rem 0.9rem 0.2rem 0; vertical-align: top; }
code, pre { font-family: ui-monospace, monospace; font-size: 0.9em; }
pre { background: #f4f4f5; padding: 0.75rem; overflow-x: auto; }
button { padding: 0.45rem 1.1rem; font: inherit; cursor: pointer; }
button.primary { background: #d6001c; color: #fff; border: 0; border-radius: 6px; padding: 0.6rem 1.4rem; font-weight: 600; }
form { margin: 0.9rem 0; }
label.check { display: block; margin: 0.3rem 0; }
.accounts label { display: block; margin-bottom: 0.3rem; }
.accounts select { font: inherit; padding: 0.3rem; margin-right: 0.5rem; }
.hint { color: #52525b; font-size: 0.9rem; }
.actions form { display: flex; gap: 1rem; align-items: baseline; }
.actions button { flex: none; }
.notice { border-radius: 6px; padding: 0.25rem 1rem; margin: 1rem 0; }
.notice h2 { font-size: 1.05rem; margin: 0.6rem 0 0.2rem; }
.notice-error { background: #fef2f2; border: 1px solid #fca5a5; }
.notice-info { background: #eff6ff; border: 1px solid #93c5fd; }
.diagram { margin: 0.5rem 0 1rem; }
.diagram svg { max-width: 100%; height: auto; }
.diagram .state rect { fill: #f4f4f5; stroke: #a1a1aa; stroke-width: 1.2; }
.diagram .state text { font: 13px ui-monospace, monospace; fill: #27272a; }
.diagram .state.current rect { fill: #d6001c; stroke: #7f1d1d; stroke-width: 2; }
.diagram .state.current text { fill: #fff; font-weight: 700; }
.diagram .edge { fill: none; stroke: #d4d4d8; stroke-width: 1.3; }
.diagram .edge.initial { stroke-dasharray: 4 4; stroke: #e4e4e7; }
.diagram .edge.out { stroke: #d6001c; stroke-width: 2; }
.diagram marker path { fill: #a1a1aa; }
.diagram figcaption { font-size: 0.9rem; color: #52525b; }
.transitions tr.out { background: #fef2f2; }
.transition-log { font-size: 0.92rem; }
.transition-log time { color: #71717a; font-family: ui-monospace, monospace; }
`;

/**
 * Live updates: the token and app-token panels subscribe to `/events` (server-sent events fed by
 * `hh.onTransition`), move the highlighted state, append to the log, and re-read the panel's facts
 * from `/api/session` or `/api/app-token`. Countdowns tick against the demo's clock (the emulator's
 * in emulator mode), which the page received as `data-now`.
 */
export const SCRIPT = `
(() => {
  'use strict';
  const offset = Number(document.body.dataset.now) - Date.now();
  const demoNow = () => Date.now() + offset;

  const duration = (ms) => {
    let s = Math.floor(Math.abs(ms) / 1000);
    const d = Math.floor(s / 86400); s -= d * 86400;
    const h = Math.floor(s / 3600); s -= h * 3600;
    const m = Math.floor(s / 60); s -= m * 60;
    const parts = [];
    if (d) parts.push(d + ' d');
    if (d || h) parts.push(h + ' h');
    if (d || h || m) parts.push(m + ' min');
    parts.push(s + ' s');
    return parts.join(' ');
  };
  const time = (ms) => ms === undefined || ms === null ? '—'
    : new Date(ms).toISOString().slice(0, 19).replace('T', ' ') + ' UTC';

  const tick = () => {
    for (const el of document.querySelectorAll('[data-countdown]')) {
      const left = Number(el.dataset.countdown) - demoNow();
      el.textContent = left > 0 ? 'in ' + duration(left) : (el.dataset.done || 'since') + ' ' + duration(-left) + ' ago';
    }
  };
  tick();
  setInterval(tick, 1000);

  const live = document.querySelector('[data-live]');
  if (!live || typeof EventSource === 'undefined') return;

  const setState = (state) => {
    for (const el of live.querySelectorAll('.state[data-state]')) el.classList.toggle('current', el.dataset.state === state);
    for (const el of live.querySelectorAll('[data-from]')) el.classList.toggle('out', el.dataset.from === state);
    const label = document.getElementById('current-state');
    if (label) label.textContent = state;
  };

  const setCountdown = (id, target, done) => {
    const el = document.getElementById(id);
    if (!el) return;
    if (target === undefined || target === null) { delete el.dataset.countdown; el.textContent = '—'; return; }
    el.dataset.countdown = String(target);
    el.dataset.done = done;
  };
  const setText = (id, value) => { const el = document.getElementById(id); if (el) el.textContent = value; };

  const reread = async () => {
    const machine = live.dataset.machine;
    const response = await fetch(machine === 'app' ? '/api/app-token' : '/api/session', { headers: { accept: 'application/json' } });
    if (!response.ok) return;
    const facts = await response.json();
    if (machine === 'app') {
      setText('app-token', facts.token || '—');
      setText('app-last-request', time(facts.lastRequestAt));
      setCountdown('app-cooldown', facts.nextRequestAt, 'since');
    } else {
      setText('access-token', facts.accessToken || '—');
      setText('refresh-token', facts.hasRefreshToken ? 'kept in the store, never shown' : '—');
      setText('obtained-at', time(facts.obtainedAt));
      setText('expires-at', time(facts.expiresAt));
      setCountdown('expires-in', facts.expiresAt, 'expired');
    }
    tick();
  };

  const log = document.getElementById('transition-log');
  const events = new EventSource(live.dataset.live);
  // Tests (and the curious) can wait for this instead of sleeping.
  events.addEventListener('ready', () => { live.dataset.connected = 'true'; });
  events.addEventListener('transition', (event) => {
    const transition = JSON.parse(event.data);
    setState(transition.state);
    if (log) {
      const item = document.createElement('li');
      const at = document.createElement('time');
      at.textContent = time(transition.at);
      const state = document.createElement('strong');
      state.textContent = transition.state;
      item.append(at, ' ', state);
      log.append(item);
    }
    reread().catch(() => {});
  });
})();
`;
