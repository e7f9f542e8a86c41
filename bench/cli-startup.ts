/**
 * `npm run bench cli-startup` (issue 20): wall time of everyday CLI verbs against kubectl doing the
 * same request, side by side in one run (interleaved rounds, so load on the machine hits both
 * alike), reported as medians and ratios. Also the same verbs unbundled (KANARY_CLI_UNBUNDLED=1:
 * dist/ as tsc compiled it) to show what the CLI bundle buys. A plain Rollout with a paused step
 * is enough: no controller runs, so promote and abort only patch it, as kubectl patch does.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { createTestNamespace, deleteTestNamespace, loadTestKubeConfig, testKubeconfigPath } from '../test/harness/cluster.js';
import { applyDocs, loadExample, tweakExample } from '../test/controller/rollout-fixtures.js';
import { repoRoot, writeResult } from './lib/results.js';
import { summarize, type Summary } from './lib/stats.js';

const ROUNDS = Number(process.env.KANARY_BENCH_CLI_ROUNDS ?? 15);

function timed(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<number> {
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    execFile(command, args, { env: { ...process.env, ...env }, timeout: 60_000 }, () => {
      resolve(Number(process.hrtime.bigint() - started) / 1e6);
    });
  });
}

interface Case {
  name: string;
  run: () => Promise<number>;
}

function cases(namespace: string): Case[] {
  const kubeconfig = testKubeconfigPath();
  const kanary = (args: string[], env: NodeJS.ProcessEnv = {}) => timed(process.execPath, [join(repoRoot, 'bin', 'kanary.js'), ...args, '--kubeconfig', kubeconfig], env);
  const kubectl = (args: string[]) => timed('kubectl', [...args, '--kubeconfig', kubeconfig]);
  const unbundled = { KANARY_CLI_UNBUNDLED: '1' };
  const ns = ['-n', namespace];
  const patch = ['patch', 'rollouts.kanary.dev', 'demo', ...ns, '--type', 'merge'];
  return [
    { name: 'kanaryGet', run: () => kanary(['get', 'rollout', 'demo', ...ns]) },
    { name: 'kanaryGetUnbundled', run: () => kanary(['get', 'rollout', 'demo', ...ns], unbundled) },
    { name: 'kubectlGet', run: () => kubectl(['get', 'rollouts.kanary.dev', 'demo', ...ns]) },
    { name: 'kanaryPromote', run: () => kanary(['promote', 'demo', ...ns]) },
    { name: 'kubectlPatchPromote', run: () => kubectl([...patch, '-p', '{"spec":{"paused":false}}']) },
    { name: 'kanaryAbort', run: () => kanary(['abort', 'demo', ...ns]) },
    { name: 'kanaryAbortUnbundled', run: () => kanary(['abort', 'demo', ...ns], unbundled) },
    { name: 'kubectlPatchAbort', run: () => kubectl([...patch, '-p', '{"metadata":{"annotations":{"bench":"abort"}}}']) },
    { name: 'kanaryVersion', run: () => timed(process.execPath, [join(repoRoot, 'bin', 'kanary.js'), 'version']) },
    { name: 'kanaryVersionUnbundled', run: () => timed(process.execPath, [join(repoRoot, 'bin', 'kanary.js'), 'version'], unbundled) },
  ];
}

const RATIOS: Array<[string, string, string]> = [
  ['getRatio', 'kanaryGet', 'kubectlGet'],
  ['promoteRatio', 'kanaryPromote', 'kubectlPatchPromote'],
  ['abortRatio', 'kanaryAbort', 'kubectlPatchAbort'],
  ['getUnbundledRatio', 'kanaryGetUnbundled', 'kubectlGet'],
  ['abortUnbundledRatio', 'kanaryAbortUnbundled', 'kubectlPatchAbort'],
];

export async function runCliStartup(): Promise<void> {
  const kc = loadTestKubeConfig();
  const namespace = await createTestNamespace('bench-cli', kc);
  try {
    await applyDocs(namespace, tweakExample(loadExample('canary-ambassador'), { replicas: 1 }).filter((d) => d.kind === 'Rollout'));
    const list = cases(namespace);
    const samples = new Map<string, number[]>(list.map((c) => [c.name, []]));
    for (const c of list) await c.run(); // warm the page cache once
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const c of list) samples.get(c.name)?.push(await c.run());
    }
    const metrics: Record<string, Summary> = {};
    for (const [name, values] of samples) metrics[name] = summarize(values, 'ms');
    for (const [name, ours, theirs] of RATIOS) {
      const ratios = (samples.get(ours) ?? []).map((v, i) => v / (samples.get(theirs)?.[i] ?? Number.NaN));
      metrics[name] = summarize(ratios, 'x');
    }
    writeResult('cli-startup', metrics, { rounds: ROUNDS, note: 'ratios are per round (interleaved), kanary / kubectl; no controller runs' });
  } finally {
    await deleteTestNamespace(namespace, kc);
  }
}
