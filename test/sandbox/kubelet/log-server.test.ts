import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { containerLogDirectory } from '../../../src/sandbox/kubelet/controller-runtime.js';
import { type LogServer, startLogServer } from '../../../src/sandbox/kubelet/log-server.js';

let root: string;
let server: LogServer;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'kanary-log-server-'));
  const dir = containerLogDirectory(root, 'uid-1', 'controller');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, '0.log'), 'first start\n');
  await writeFile(join(dir, '1.log'), 'a\nb\nc\n');
  server = await startLogServer({ rootDir: root, podUid: (ns, name) => (ns === 'ns' && name === 'pod' ? 'uid-1' : undefined), log: () => undefined });
});

afterAll(async () => {
  await server.stop();
  await rm(root, { recursive: true, force: true });
});

function get(path: string, onData?: (text: string) => boolean): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    // The API server does not verify the kubelet's serving certificate (no --kubelet-certificate-authority).
    const request = https.get({ host: '127.0.0.1', port: server.port, path, rejectUnauthorized: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
        if (onData?.(body)) {
          request.destroy();
          resolve({ status: response.statusCode ?? 0, body });
        }
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
  });
}

test('serves the current start\'s log, the previous one, and a tail', async () => {
  expect(await get('/containerLogs/ns/pod/controller')).toEqual({ status: 200, body: 'a\nb\nc\n' });
  expect(await get('/containerLogs/ns/pod/controller?previous=true')).toEqual({ status: 200, body: 'first start\n' });
  expect(await get('/containerLogs/ns/pod/controller?tailLines=1')).toEqual({ status: 200, body: 'c\n' });
});

test('unknown pods, containers and paths are 404', async () => {
  expect((await get('/containerLogs/ns/other/controller')).status).toBe(404);
  expect((await get('/containerLogs/ns/pod/sidecar')).status).toBe(404);
  expect((await get('/pods')).status).toBe(404);
});

test('follow sends what is written after the request', async () => {
  const file = join(containerLogDirectory(root, 'uid-1', 'controller'), '1.log');
  const answer = get('/containerLogs/ns/pod/controller?follow=true&tailLines=1', (body) => body.includes('d\n'));
  setTimeout(() => void appendFile(file, 'd\n'), 300);
  expect(await answer).toEqual({ status: 200, body: 'c\nd\n' });
});

test('with a client CA, a client without a certificate of it is refused', async () => {
  const strict = await startLogServer({
    rootDir: root,
    podUid: () => 'uid-1',
    clientCa: await readFile(join(root, 'pki', 'kubelet.crt'), 'utf8'),
    log: () => undefined,
  });
  try {
    const refused = await new Promise<string>((resolve) => {
      const request = https.get({ host: '127.0.0.1', port: strict.port, path: '/containerLogs/ns/pod/controller', rejectUnauthorized: false }, (response) => {
        response.resume();
        resolve(`answered ${response.statusCode}`);
      });
      request.on('error', (err) => resolve(`refused: ${err.message}`));
    });
    expect(refused).toMatch(/^refused: /);
  } finally {
    await strict.stop();
  }
});
