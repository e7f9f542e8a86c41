/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The dashboard page: routes on the URL hash (`#/` overview, `#/rollouts/NS/NAME`), subscribes to
 * the server's events for what is shown, re-renders each frame, and sends actions (POST with the
 * CSRF token from the page's meta tag) after a confirmation.
 */
import { formatRemaining } from '../../cli/render-time.js';
import { h, replaceChildren } from './dom.js';
import type { Frame } from './frame.js';
import { renderOverview } from './overview.js';
import { renderRolloutPage, VERB_LABELS } from './rollout-page.js';

interface Route {
  namespace: string;
  name: string;
}

const meta = (name: string) => document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? '';
const csrfToken = meta('kanary-csrf');
const main = document.getElementById('main') as HTMLElement;
const banner = document.getElementById('banner') as HTMLElement;
const scopeLabel = document.getElementById('scope') as HTMLElement;
const filterInput = document.getElementById('filter') as HTMLInputElement;
const dialog = document.getElementById('confirm') as HTMLDialogElement;
const result = document.getElementById('action-result') as HTMLElement;

let source: EventSource | undefined;
let lastFrame: Frame | undefined;
let receivedAtMs = Date.now();
let pendingVerb: string | undefined;

function parseRoute(hash: string): Route | undefined {
  const match = /^#\/rollouts\/([^/]+)\/([^/]+)$/.exec(hash);
  if (!match?.[1] || !match[2]) return undefined;
  return { namespace: decodeURIComponent(match[1]), name: decodeURIComponent(match[2]) };
}

function connectionNote(frame: Frame | undefined, streamUp: boolean): HTMLElement | null {
  if (!streamUp) return h('p', { class: 'disconnected', 'data-testid': 'connection' }, 'disconnected from the dashboard server: reconnecting…');
  if (!frame || frame.connection.connected) return null;
  return h('p', { class: 'disconnected', 'data-testid': 'connection' }, frame.connection.message ?? 'disconnected');
}

function scopeNote(scope: Frame['scopes'][number]): HTMLElement | null {
  if (!scope.visible) return h('p', { class: 'not-visible', 'data-testid': 'scope-not-visible' }, `namespace ${scope.namespace} not visible: ${scope.message ?? 'forbidden'}`);
  return scope.message ? h('p', { class: 'partial' }, `namespace ${scope.namespace}: ${scope.message}`) : null;
}

function renderBanner(frame: Frame | undefined, streamUp: boolean): void {
  replaceChildren(banner, connectionNote(frame, streamUp), ...(frame?.scopes ?? []).map(scopeNote));
  banner.dataset['state'] = streamUp && frame?.connection.connected !== false ? 'connected' : 'disconnected';
}

function render(): void {
  const frame = lastFrame;
  if (!frame) return;
  scopeLabel.textContent = frame.scopeLabel + (frame.readOnly ? ' · read-only' : '');
  filterInput.hidden = frame.target !== undefined;
  if (frame.target === undefined) {
    replaceChildren(main, renderOverview(frame.overview ?? [], filterInput.value));
    return;
  }
  const back = h('p', {}, h('a', { href: '#/' }, '← all rollouts'));
  if (!frame.page) {
    replaceChildren(main, back, h('p', { class: 'empty' }, `Rollout ${frame.target.namespace}/${frame.target.name} is not there (or not visible).`));
    return;
  }
  replaceChildren(main, back, renderRolloutPage(frame.page, { readOnly: frame.readOnly, nowMs: frame.nowMs, receivedAtMs }));
}

function connect(): void {
  source?.close();
  lastFrame = undefined;
  const route = parseRoute(location.hash);
  const query = route ? `?namespace=${encodeURIComponent(route.namespace)}&name=${encodeURIComponent(route.name)}` : '';
  replaceChildren(main, h('p', { class: 'empty' }, 'Loading…'));
  const stream = new EventSource(`/api/events${query}`);
  source = stream;
  stream.addEventListener('state', (event) => {
    lastFrame = JSON.parse((event as MessageEvent<string>).data) as Frame;
    receivedAtMs = Date.now();
    renderBanner(lastFrame, true);
    render();
  });
  stream.addEventListener('open', () => renderBanner(lastFrame, true));
  stream.addEventListener('error', () => renderBanner(lastFrame, false));
}

function showResult(ok: boolean, text: string): void {
  result.className = ok ? 'result ok' : 'result refused';
  result.dataset['ok'] = String(ok);
  result.textContent = text;
}

async function sendAction(verb: string): Promise<void> {
  const route = parseRoute(location.hash);
  if (!route) return;
  showResult(true, `${VERB_LABELS[verb] ?? verb}: sending…`);
  const url = `/api/rollouts/${encodeURIComponent(route.namespace)}/${encodeURIComponent(route.name)}/actions/${verb}`;
  try {
    const response = await fetch(url, { method: 'POST', headers: { 'x-kanary-csrf': csrfToken }, credentials: 'same-origin' });
    const body = (await response.json()) as { ok?: boolean; message?: string };
    const ok = response.ok && body.ok === true;
    showResult(ok, ok ? (body.message ?? 'done') : `refused (${response.status}): ${body.message ?? response.statusText}`);
  } catch (error) {
    showResult(false, `failed: ${(error as Error).message}`);
  }
}

function askToConfirm(verb: string): void {
  const route = parseRoute(location.hash);
  if (!route) return;
  pendingVerb = verb;
  const text = document.getElementById('confirm-text') as HTMLElement;
  text.textContent = `${VERB_LABELS[verb] ?? verb} rollout ${route.namespace}/${route.name}?`;
  dialog.showModal();
}

function tickCountdowns(): void {
  for (const element of document.querySelectorAll<HTMLElement>('[data-deadline]')) {
    element.textContent = formatRemaining(Number(element.dataset['deadline']) - Date.now());
  }
}

main.addEventListener('click', (event) => {
  const button = (event.target as Element).closest<HTMLButtonElement>('button[data-verb]');
  if (button && !button.disabled && button.dataset['verb']) askToConfirm(button.dataset['verb']);
});
dialog.addEventListener('close', () => {
  const verb = pendingVerb;
  pendingVerb = undefined;
  if (dialog.returnValue === 'confirm' && verb) void sendAction(verb);
});
filterInput.addEventListener('input', render);
window.addEventListener('hashchange', () => {
  result.textContent = '';
  connect();
});
setInterval(tickCountdowns, 1000);
connect();
