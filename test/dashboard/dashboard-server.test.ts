import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DashboardServer, type RunIntent } from '../../src/dashboard/dashboard-server.js';
import type { DashboardSource } from '../../src/dashboard/dashboard-watch.js';
import { LOOPBACK_HOSTS } from '../../src/dashboard/request-guard.js';
import { createSystemClock } from '../../src/runtime/clock.js';
import type { NamespaceObjects } from '../../src/cli/rollout-tree.js';

class FakeSource implements DashboardSource {
  data: NamespaceObjects = { rollouts: [], replicaSets: [], pods: [], analysisRuns: [], mappings: [] };
  private listener: () => void = () => undefined;
  objects() { return this.data; }
  scopes() { return [{ namespace: 'shop', visible: true }]; }
  connection() { return { connected: true }; }
  onChange(listener: () => void) { this.listener = listener; }
  change() { this.listener(); }
}

const rollout = (name: string) => ({
  apiVersion: 'kanary.dev/v1alpha1', kind: 'Rollout', metadata: { name, namespace: 'shop' },
  spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'a', image: 'a:1' }] } }, strategy: { canary: {} } },
});

let dir = '';
let server: DashboardServer;
let source: FakeSource;
let base = '';
let port = 0;
const calls: string[] = [];
const runIntent: RunIntent = async (verb, target) => {
  calls.push(`${verb} ${target.namespace}/${target.name}`);
  return verb === 'abort' ? { ok: false, statusCode: 403, message: 'patch rollouts/status shop/web: forbidden' } : { ok: true, statusCode: 200, message: 'rollout "web" promoted' };
};

async function start(readOnly: boolean): Promise<void> {
  source = new FakeSource();
  server = new DashboardServer({ source, runIntent, readOnly, assetsDir: dir, clock: createSystemClock(), scopeLabel: 'test', allowedHosts: LOOPBACK_HOSTS, csrfToken: 'tok', pushDelayMs: 10 });
  port = (await server.listen(0, '127.0.0.1')).port;
  base = `http://127.0.0.1:${port}`;
}

function post(path: string, headers: Record<string, string>): Promise<{ status: number; body: { ok?: boolean; message?: string } }> {
  return fetch(`${base}${path}`, { method: 'POST', headers }).then(async (r) => ({ status: r.status, body: (await r.json()) as { ok?: boolean; message?: string } }));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kanary-dash-assets-'));
  await writeFile(join(dir, 'index.html'), '<meta name="kanary-csrf" content="{{CSRF_TOKEN}}"><meta name="ro" content="{{READ_ONLY}}">');
  await writeFile(join(dir, 'app.js'), 'console.log(1)');
  await writeFile(join(dir, 'app.css'), 'body{}');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a read-write dashboard', () => {
  beforeAll(() => start(false));
  afterAll(() => server.close());

  test('the page carries the CSRF token; no CORS headers; strict CSP', async () => {
    const response = await fetch(`${base}/`);
    expect(await response.text()).toContain('content="tok"');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect((await fetch(`${base}/assets/app.js`)).headers.get('content-type')).toContain('text/javascript');
  });

  test('a foreign Host header is refused (DNS rebinding)', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: '/api/state', headers: { host: 'evil.example' } }, (res) => { res.resume(); resolve(res.statusCode ?? 0); }).on('error', reject).end();
    });
    expect(status).toBe(421);
  });

  test('server-sent events push a new frame when the source changes', async () => {
    const controller = new AbortController();
    const response = await fetch(`${base}/api/events`, { signal: controller.signal });
    const reader = response.body!.getReader();
    const frames: string[] = [];
    const readUntil = async (needle: string) => {
      let text = '';
      while (!text.includes(needle)) text += new TextDecoder().decode((await reader.read()).value);
      frames.push(text);
    };
    await readUntil('"overview":[]');
    source.data = { ...source.data, rollouts: [rollout('web')] };
    source.change();
    await readUntil('"name":"web"');
    controller.abort();
    expect(frames).toHaveLength(2);
  });

  test('actions need the token and the same origin, then run the verb and return its answer', async () => {
    const origin = base;
    expect((await post('/api/rollouts/shop/web/actions/promote', { origin, 'x-kanary-csrf': 'nope' })).status).toBe(403);
    expect((await post('/api/rollouts/shop/web/actions/promote', { origin: 'http://evil.example', 'x-kanary-csrf': 'tok' })).status).toBe(403);
    expect(calls).toEqual([]);
    const ok = await post('/api/rollouts/shop/web/actions/promote', { origin, 'x-kanary-csrf': 'tok' });
    expect(ok).toEqual({ status: 200, body: { ok: true, statusCode: 200, message: 'rollout "web" promoted' } });
    const refused = await post('/api/rollouts/shop/web/actions/abort', { origin, 'x-kanary-csrf': 'tok' });
    expect(refused).toEqual({ status: 403, body: { ok: false, statusCode: 403, message: 'patch rollouts/status shop/web: forbidden' } });
    expect((await post('/api/rollouts/shop/web/actions/delete', { origin, 'x-kanary-csrf': 'tok' })).status).toBe(404);
    expect(calls).toEqual(['promote shop/web', 'abort shop/web']);
  });
});

describe('a read-only dashboard', () => {
  beforeAll(() => start(true));
  afterAll(() => server.close());

  test('refuses every action and says so in the page', async () => {
    calls.length = 0;
    const result = await post('/api/rollouts/shop/web/actions/promote', { origin: base, 'x-kanary-csrf': 'tok' });
    expect(result.status).toBe(403);
    expect(result.body.message).toContain('read-only');
    expect(calls).toEqual([]);
    expect(await (await fetch(`${base}/`)).text()).toContain('content="true"');
  });
});
