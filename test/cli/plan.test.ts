import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliIo } from '../../src/cli/command.js';
import { UserError } from '../../src/cli/command.js';
import { parsePlanArgs, planCommand, planSource } from '../../src/cli/plan-command.js';
import { buildRolloutPlan, type RolloutPlan } from '../../src/cli/plan-timeline.js';
import { renderPlanText } from '../../src/cli/render-plan.js';
import { validateRollout } from '../../src/api/validate-rollout.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function capture(): { io: CliIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {}, isTty: false }, out, err };
}

function rolloutYaml(canary: string, replicas = 10): string {
  return `apiVersion: kanary.dev/v1alpha1
kind: Rollout
metadata: {name: demo}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: demo}}
  template:
    metadata: {labels: {app: demo}}
    spec: {containers: [{name: app, image: x}]}
  strategy:
    canary:
${canary}`;
}

const ROUTED = `      stableService: s
      canaryService: c
      trafficRouting: {ambassador: {mappings: [m]}}
`;

function plan(canary: string, replicas = 10) {
  const { plans, findings } = planSource('r.yaml', rolloutYaml(canary, replicas));
  expect(findings).toEqual([]);
  return plans[0] as RolloutPlan;
}

describe('kanary plan timeline', () => {
  test('examples/canary-ambassador: weights, counts, manual promotions', async () => {
    const { io, out } = capture();
    expect(await planCommand.run([join(root, 'examples/canary-ambassador/rollout.yaml'), '-o', 'json'], io)).toBe(0);
    const result = JSON.parse(out.join('')) as ReturnType<typeof buildRolloutPlan>;
    expect(result.steps.map((s) => [s.kind, s.weightPercent, s.canaryReplicas, s.stableReplicas, s.manualPromote])).toEqual([
      ['setWeight', 30, 3, 10, false],
      ['pause', 30, 3, 10, true],
      ['setWeight', 60, 6, 10, false],
      ['pause', 60, 6, 10, true],
      ['setWeight', 100, 10, 10, false],
      ['pause', 100, 10, 10, true],
      ['promote', 100, 10, 10, false],
    ]);
    expect(result.minimumDurationMs).toBe(0);
    expect(result.manualPromotions).toBe(3);
  });

  test('examples/canary-timed: minimum total time is the sum of the pauses', async () => {
    const { io, out } = capture();
    expect(await planCommand.run([join(root, 'examples/canary-timed/rollout.yaml')], io)).toBe(0);
    const text = out.join('');
    expect(text).toContain('Minimum total time: 1m30s.');
    expect(text).toMatch(/^1\s+pause\s+30%\s+3\s+10\s+30s\s+pause 30s$/m);
  });

  test('minPodsPerReplicaSet (Argo) raises a routed canary that has pods to the minimum', () => {
    const p = plan(`${ROUTED}      minPodsPerReplicaSet: 3
      steps: [{setWeight: 0}, {setWeight: 10}, {setWeight: 50}]
`);
    expect(p.steps.map((s) => [s.weightPercent, s.canaryReplicas])).toEqual([[0, 0], [10, 3], [50, 5], [100, 10]]);
  });

  test('analysis steps are gates and background analysis is reported', () => {
    const p = plan(`${ROUTED}      analysis: {templates: [{templateName: bg}], startingStep: 1}
      steps: [{setWeight: 20}, {analysis: {templates: [{templateName: rate}]}}]
`);
    expect(p.analysisGates).toBe(1);
    expect(p.steps[1]).toMatchObject({ kind: 'analysis', analysis: ['rate'], weightPercent: 20, canaryReplicas: 2 });
    expect(renderPlanText(p)).toContain('Background analysis: bg from step 1 until promotion');
  });

  test.each([
    ['replicas', '{setCanaryScale: {replicas: 4}}', 4],
    ['weight', '{setCanaryScale: {weight: 50}}', 5],
    ['matchTrafficWeight', '{setCanaryScale: {matchTrafficWeight: true}}', 1],
  ])('setCanaryScale %s overrides the canary count with routing', (_rule, step, canary) => {
    const p = plan(`${ROUTED}      steps: [{setWeight: 10}, ${step}]
`);
    expect(p.steps[1]?.canaryReplicas).toBe(canary);
    expect(p.steps[1]?.stableReplicas).toBe(10);
  });

  test('without traffic routing the replica split carries the weight', () => {
    const p = plan(`      steps: [{setWeight: 30}, {pause: {duration: 10}}]
`);
    expect(p.trafficRouted).toBe(false);
    expect(p.steps[0]).toMatchObject({ canaryReplicas: 3, stableReplicas: 7 });
    expect(p.steps[1]).toMatchObject({ waitMs: 10_000 });
    expect(p.steps.at(-1)).toMatchObject({ kind: 'promote', canaryReplicas: 10, stableReplicas: 0 });
  });

  test('header and mirror route steps are named, and a route in force keeps one canary pod at weight 0', () => {
    const p = plan(`      stableService: s
      canaryService: c
      trafficRouting: {ambassador: {mappings: [m]}, managedRoutes: [{name: beta}, {name: copy}]}
      steps:
      - setHeaderRoute: {name: beta, match: [{headerName: x-canary, headerValue: {exact: "yes"}}]}
      - setMirrorRoute: {name: copy, percentage: 20, match: [{}]}
      - pause: {}
      - setHeaderRoute: {name: beta}
      - setMirrorRoute: {name: copy}
`);
    expect(p.steps.map((s) => [s.kind, s.summary, s.canaryReplicas])).toEqual([
      ['setHeaderRoute', 'setHeaderRoute beta', 1],
      ['setMirrorRoute', 'setMirrorRoute copy 20%', 1],
      ['pause', 'pause until promoted', 1],
      ['setHeaderRoute', 'setHeaderRoute beta removed', 1],
      ['setMirrorRoute', 'setMirrorRoute copy removed', 0],
      ['promote', expect.stringContaining('promote'), 10],
    ]);
  });

  test('a baseline: its pods beside the canary\'s in every step, none at promotion; the text names its Service and the split', () => {
    const p = plan(`${ROUTED}      baseline: {service: b}
      steps:
      - setWeight: 20
      - pause: {}
      - setWeight: 50
`);
    expect(p.baselineService).toBe('b');
    expect(p.steps.map((s) => [s.kind, s.weightPercent, s.canaryReplicas, s.baselineReplicas, s.stableReplicas])).toEqual([
      ['setWeight', 20, 2, 2, 10],
      ['pause', 20, 2, 2, 10],
      ['setWeight', 50, 5, 5, 10],
      ['promote', 100, 10, 0, 10],
    ]);
    const text = renderPlanText(p);
    expect(text).toContain('Baseline: the stable template at the canary\'s size behind Service b gets the canary\'s weight (stable gets 100 - 2 x weight)');
    expect(text).toMatch(/STEP +KIND +WEIGHT +CANARY +BASELINE +STABLE +WAIT/);
    expect(text).toMatch(/0 +setWeight +20% +2 +2 +10 /);
    expect(renderPlanText(plan(`${ROUTED}      steps: [{setWeight: 20}]\n`))).not.toContain('BASELINE');
  });

  test('a Rollout without steps is promoted at once', () => {
    const rollout = validateRollout({
      apiVersion: 'kanary.dev/v1alpha1', kind: 'Rollout', metadata: { name: 'x' },
      spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } }, strategy: { canary: {} } },
    }).rollout!;
    expect(buildRolloutPlan(rollout).steps.map((s) => s.kind)).toEqual(['promote']);
  });
});

describe('kanary plan input errors', () => {
  test('an invalid Rollout prints lint-style problems and exits 1', async () => {
    const { io, err, out } = capture();
    const code = await planCommand.run([join(root, 'test/fixtures/manifests/bad/duration-5x.yaml')], io);
    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err.join('')).toContain('duration-5x.yaml:doc1 spec.strategy.canary.steps[1].pause.duration: "5x" is not a duration');
  });

  test('a missing file is one sentence', async () => {
    const { io } = capture();
    await expect(planCommand.run(['nope.yaml'], io)).rejects.toThrow(new UserError('nope.yaml: file not found.'));
  });

  test('a file without a Rollout is one sentence', () => {
    expect(() => planSource('m.yaml', 'apiVersion: v1\nkind: Service\nmetadata: {name: s}\n')).toThrow('m.yaml: contains no Rollout');
  });

  test.each([
    [['a.yaml', '-o', 'yaml'], 'plan: -o takes json or text, not "yaml".'],
    [['a.yaml', 'b.yaml'], 'plan needs exactly one FILE'],
    [['a.yaml', '--wat'], 'plan: unknown flag --wat.'],
  ])('bad arguments %p', (argv, message) => {
    expect(() => parsePlanArgs(argv)).toThrow(message);
  });
});
