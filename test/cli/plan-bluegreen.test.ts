// Issue 22: `kanary plan` on a blue/green Rollout: the stages, the analyses and what an abort does.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliIo } from '../../src/cli/command.js';
import type { BlueGreenPlan } from '../../src/cli/plan-bluegreen.js';
import { planCommand, planSource } from '../../src/cli/plan-command.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function rolloutYaml(blueGreen: string, replicas = 4): string {
  return `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: web}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: web:1}]}
  strategy:
    blueGreen: ${blueGreen}
`;
}

function plan(blueGreen: string, replicas = 4): BlueGreenPlan {
  const { plans, findings } = planSource('r.yaml', rolloutYaml(blueGreen, replicas));
  expect(findings).toEqual([]);
  return plans[0] as BlueGreenPlan;
}

test('examples/blue-green: preview, manual promote, switch, scale-down after 30s', async () => {
  const out: string[] = [];
  const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => out.push(t), env: {}, isTty: false };
  expect(await planCommand.run([join(root, 'examples/blue-green/rollout.yaml')], io)).toBe(0);
  const text = out.join('');
  expect(text).toContain('Rollout demo: blue/green, 4 replicas (active Service demo-active, preview Service demo-preview).');
  expect(text).toMatch(/^pause\s+4\s+4\s+manual promote\s+paused until `kanary promote`$/m);
  expect(text).toMatch(/^switch\s+4\s+4\s+-\s+active Service demo-active switched/m);
  expect(text).toMatch(/^scaleDown\s+4\s+0\s+30s\s+/m);
  expect(text).toContain('On abort (kanary abort, or a failed analysis): the active and preview Services select the old ReplicaSet at once');
});

test('every stage in order with previewReplicaCount, both analyses and auto-promotion', () => {
  const p = plan(`{activeService: a, previewService: p, previewReplicaCount: 1, autoPromotionSeconds: 20, prePromotionAnalysis: {templates: [{templateName: smoke}]}, postPromotionAnalysis: {templates: [{templateName: rate}]}, scaleDownDelaySeconds: 60, abortScaleDownDelaySeconds: 0}`);
  expect(p.stages.map((s) => [s.stage, s.newReplicas, s.oldReplicas, s.wait])).toEqual([
    ['preview', 1, 4, '-'],
    ['prePromotionAnalysis', 1, 4, 'analysis gate'],
    ['pause', 1, 4, '20s'],
    ['scaleUp', 4, 4, '-'],
    ['switch', 4, 4, '-'],
    ['postPromotionAnalysis', 4, 4, 'analysis gate'],
    ['scaleDown', 4, 0, '1m'],
  ]);
  expect(p.stages[1]?.summary).toContain('smoke');
  expect(p.onAbort).toContain('the new ReplicaSet is kept running (abortScaleDownDelaySeconds: 0)');
  expect(p.minimumDurationMs).toBe(80_000);
});

test('with the defaults there is no pause and no analysis', () => {
  const p = plan('{activeService: a}');
  expect(p.stages.map((s) => s.stage)).toEqual(['preview', 'switch', 'scaleDown']);
  expect(p.stages[0]?.summary).toContain('no preview Service');
});
