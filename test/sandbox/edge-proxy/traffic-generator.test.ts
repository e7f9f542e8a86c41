import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readVersion, startTrafficGenerator, type TrafficTally } from '../../../src/sandbox/edge-proxy/traffic-generator.js';

let server: http.Server;
let url: string;
let received = 0;

beforeAll(async () => {
  // Every third answer is a 503 without a version; the others alternate v1 and v2.
  server = http.createServer((_req, res) => {
    received += 1;
    if (received % 3 === 0) {
      res.writeHead(503);
      res.end('no healthy upstream');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ version: received % 2 === 0 ? 'v2' : 'v1', colour: 'blue' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('readVersion', () => {
  test.each([
    ['{"version":"v2","colour":"green"}', 'v2'],
    ['{"colour":"green"}', undefined],
    ['{"version":3}', undefined],
    ['not json', undefined],
  ])('%p -> %p', (body, expected) => {
    expect(readVersion(body)).toBe(expected);
  });
});

function consistent(tally: TrafficTally): void {
  const statuses = Object.values(tally.byStatus).reduce((a, b) => a + b, 0);
  const versions = Object.values(tally.byVersion).reduce((a, b) => a + b, 0);
  expect(tally.completed).toBe(tally.sent);
  expect(statuses + tally.errors).toBe(tally.completed);
  expect(versions).toBe(statuses);
  expect(tally.failed).toBe((tally.byStatus['503'] ?? 0) + tally.errors);
  expect(tally.byVersion['unknown']).toBe(tally.byStatus['503']);
}

test('runs for its duration and tallies statuses and versions', async () => {
  const before = received;
  const results: TrafficTally[] = [];
  const generator = startTrafficGenerator({ url, rps: 40, durationMs: 600, onResult: (t) => results.push(t) });
  const tally = await generator.done;
  expect(tally.sent).toBeGreaterThan(3);
  expect(received - before).toBe(tally.sent);
  expect(results).toHaveLength(tally.completed);
  expect(results.at(-1)?.completed).toBe(tally.completed);
  expect(Object.keys(tally.byVersion).sort()).toEqual(['unknown', 'v1', 'v2']);
  consistent(tally);
});

test('stop() ends an unbounded run and nothing is sent afterwards', async () => {
  const generator = startTrafficGenerator({ url, rps: 50 });
  await new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      if (generator.tally().completed >= 5) {
        clearInterval(poll);
        resolve();
      }
    }, 10);
  });
  const tally = await generator.stop();
  const after = received;
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(received).toBe(after);
  expect(await generator.done).toEqual(tally);
  consistent(tally);
});

test('connection errors count as failed', async () => {
  const generator = startTrafficGenerator({ url: 'http://127.0.0.1:1/', rps: 20, durationMs: 200 });
  const tally = await generator.done;
  expect(tally.errors).toBe(tally.sent);
  expect(tally.failed).toBe(tally.sent);
});

test('rps must be positive', () => {
  expect(() => startTrafficGenerator({ url, rps: 0 })).toThrow(/rps/);
});
