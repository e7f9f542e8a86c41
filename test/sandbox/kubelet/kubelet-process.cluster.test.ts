import { jest } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { testKubeconfigPath, useTestNamespace, waitFor } from '../../harness/cluster.js';
import { connectError, httpGet } from './http-get.js';

// A second kubelet process (the built entry point) next to the cluster's own: it registers its own
// node, runs only the pods selected onto it, and stops serving them on SIGTERM.
const ns = useTestNamespace('kubelet-process');
const nodeName = `kanary-sim-extra-${randomBytes(3).toString('hex')}`;
const entry = join(process.cwd(), 'dist', 'sandbox', 'kubelet', 'main.js');
let child: ChildProcess | undefined;
let output = '';

jest.setTimeout(60_000);

function core(): k8s.CoreV1Api {
  return ns.kc.makeApiClient(k8s.CoreV1Api);
}

function exited(proc: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null) resolve(proc.exitCode);
    else proc.once('exit', (code) => resolve(code));
  });
}

beforeAll(() => {
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run npm run build first`);
  child = spawn(process.execPath, [entry, '--kubeconfig', testKubeconfigPath(), '--node-name', nodeName, '--ip-prefix', '127.251'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
  child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGKILL');
    await exited(child);
  }
  await core().deleteNode({ name: nodeName }).catch(() => undefined);
});

test('runs the pods selected onto its node, logs JSON lines, and stops them on SIGTERM', async () => {
  await waitFor(async () => {
    const node = await core().readNode({ name: nodeName });
    return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
  }, { timeoutMs: 30_000, description: `node ${nodeName} Ready` });

  await core().createNamespacedPod({
    namespace: ns.name,
    body: {
      metadata: { name: 'pinned' },
      spec: {
        nodeSelector: { 'kubernetes.io/hostname': nodeName },
        containers: [{ name: 'app', image: 'kanary/demo-app:v1', ports: [{ containerPort: 9000 }] }],
      },
    },
  });
  const pod = await waitFor(async () => {
    const p = await core().readNamespacedPod({ name: 'pinned', namespace: ns.name });
    return p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? p : undefined;
  }, { timeoutMs: 30_000, description: 'pinned pod Ready' });
  expect(pod.spec?.nodeName).toBe(nodeName);
  expect(pod.status?.podIP).toMatch(/^240\.251\./);
  const url = `http://${pod.status?.podIP}:9000/`;
  expect(JSON.parse((await httpGet(url)).body)).toMatchObject({ pod: 'pinned', colour: 'blue' });

  const proc = child as ChildProcess;
  proc.kill('SIGTERM');
  expect(await exited(proc)).toBe(0);
  expect(await connectError(url)).toBe('ECONNREFUSED');
  const lines = output.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(lines).toEqual(expect.arrayContaining([
    expect.objectContaining({ msg: 'node registered', ipPrefix: '127.251' }),
    expect.objectContaining({ msg: 'pod started', pod: 'pinned' }),
    expect.objectContaining({ msg: 'kubelet stopped' }),
  ]));
});
