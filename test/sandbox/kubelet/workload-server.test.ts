import { defaultBehaviour, type Behaviour } from '../../../src/sandbox/kubelet/behaviour.js';
import { createSeededRandom } from '../../../src/sandbox/kubelet/random.js';
import { createWorkloadMetrics } from '../../../src/sandbox/kubelet/workload-metrics.js';
import { startWorkloadServer, type WorkloadServer } from '../../../src/sandbox/kubelet/workload-server.js';
import { connectError, httpGet } from './http-get.js';

// An address outside 127.0.x.x, as the kubelet hands out.
const ip = '127.77.0.9';
const identity = { pod: 'demo-7f9c-abcde', namespace: 'test', container: 'app', image: 'kanary/demo-app:v3', ip };

const servers: WorkloadServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function start(behaviour: Behaviour, seed = 7): Promise<WorkloadServer> {
  const server = await startWorkloadServer({
    identity, port: 0, behaviour, random: createSeededRandom(seed), metrics: createWorkloadMetrics(),
  });
  servers.push(server);
  return server;
}

function counter(text: string, code: number): number {
  const line = text.split('\n').find((l) => l.startsWith(`sim_http_requests_total{code="${code}"} `));
  return line === undefined ? 0 : Number(line.split(' ')[1]);
}

const fast: Behaviour = { ...defaultBehaviour, latencyMs: 0, jitterMs: 0 };

test('answers any path on its loopback IP with a JSON body naming the pod and image', async () => {
  const server = await start({ ...fast, version: 'v1', colour: 'blue' });
  expect(server.url).toMatch(/^http:\/\/127\.77\.0\.9:\d+$/);
  const res = await httpGet(`${server.url}/some/path?x=1`);
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe('application/json');
  expect(res.headers['x-sim-pod']).toBe(identity.pod);
  expect(JSON.parse(res.body)).toMatchObject({ pod: identity.pod, image: identity.image, version: 'v1', colour: 'blue', ip });
});

test('fails about the configured share of requests (seeded, so the count is fixed)', async () => {
  const server = await start({ ...fast, errorRate: 0.3 }, 11);
  const statuses: number[] = [];
  for (let i = 0; i < 200; i += 1) statuses.push((await httpGet(`${server.url}/`)).status);
  const failures = statuses.filter((s) => s === 500).length;
  expect(statuses.every((s) => s === 200 || s === 500)).toBe(true);
  expect(failures).toBeGreaterThan(40);
  expect(failures).toBeLessThan(80);
  const metrics = await httpGet(`${server.url}/metrics`);
  expect(counter(metrics.body, 500)).toBe(failures);
  expect(counter(metrics.body, 200)).toBe(200 - failures);
});

test('the same seed replays the same outcomes', async () => {
  const run = async (): Promise<number[]> => {
    const server = await start({ ...fast, errorRate: 0.5 }, 99);
    const out: number[] = [];
    for (let i = 0; i < 30; i += 1) out.push((await httpGet(`${server.url}/`)).status);
    await server.stop();
    return out;
  };
  expect(await run()).toEqual(await run());
});

test('/metrics is Prometheus text and not counted as a request', async () => {
  const server = await start(fast);
  await httpGet(`${server.url}/a`);
  await httpGet(`${server.url}/b`);
  const first = await httpGet(`${server.url}/metrics`);
  const second = await httpGet(`${server.url}/metrics`);
  expect(first.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  expect(counter(second.body, 200)).toBe(2);
  expect(second.body).toMatch(/^sim_http_request_duration_seconds_count 2$/m);
});

test('slow responses land in the upper histogram buckets', async () => {
  const server = await start({ ...fast, slowShare: 1, slowMs: 120 });
  await httpGet(`${server.url}/`);
  const text = (await httpGet(`${server.url}/metrics`)).body;
  expect(text).toMatch(/^sim_http_request_duration_seconds_bucket\{le="0\.1"\} 0$/m);
  expect(text).toMatch(/^sim_http_request_duration_seconds_bucket\{le="0\.25"\} 1$/m);
});

test('after stop the address refuses connections', async () => {
  const server = await start(fast);
  expect((await httpGet(server.url)).status).toBe(200);
  await server.stop();
  expect(await connectError(server.url)).toBe('ECONNREFUSED');
});

test('stop drops requests still waiting for their delay', async () => {
  const server = await start({ ...fast, latencyMs: 5_000 });
  const pending = httpGet(server.url).then(() => 'answered', (err: NodeJS.ErrnoException) => err.code);
  await new Promise((resolve) => setTimeout(resolve, 50));
  await server.stop();
  expect(await pending).toBe('ECONNRESET');
});
