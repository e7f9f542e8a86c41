/**
 * Issue 9, item 6: a corpus of malformed Rollouts and AnalysisTemplates. Each one is either
 * refused by the API server with a message naming the field (the CRD schema stops it even with
 * `kubectl apply --validate=false`), or accepted and then given InvalidSpec (Degraded) with a
 * message naming the problem. Meanwhile the controller stays healthy and a valid Rollout in the
 * same namespace progresses normally. (Unknown and unimplemented Argo fields are kept by the CRDs
 * and refused by the controller with InvalidSpec naming each: see
 * test/controller/argo-fields.cluster.test.ts.)
 */
import { jest } from '@jest/globals';
import { kubectl, useTestNamespace, waitFor } from '../harness/cluster.js';
import { startController, type ControllerProcess } from '../harness/controller-process.js';
import { applyDocs, ClusterView, kanary, loadExample, setImage, tweakExample, type Obj } from '../controller/rollout-fixtures.js';

jest.setTimeout(300_000);

type Mutation = (ro: Obj) => void;
interface BadCase {
  name: string;
  mutate: Mutation;
  /** Where we expect it to be stopped; either way the message must name the problem. */
  outcome: 'refused' | 'invalid';
  message: RegExp;
}

const canary = (ro: Obj): Obj => ro.spec.strategy.canary;
const step = (value: Obj): Mutation => (ro) => { canary(ro).steps = [value]; };

const REFUSED: BadCase[] = [
  ['setWeight -1', step({ setWeight: -1 }), /setWeight/],
  ['setWeight 101', step({ setWeight: 101 }), /setWeight/],
  ['setWeight as a string', step({ setWeight: 'fifty' }), /setWeight/],
  ['replicas negative', (ro: Obj) => { ro.spec.replicas = -3; }, /replicas/],
  ['replicas as a string', (ro: Obj) => { ro.spec.replicas = 'ten'; }, /replicas/],
  ['template without containers', (ro: Obj) => { delete ro.spec.template.spec.containers; }, /containers/],
  ['container without image', (ro: Obj) => { delete ro.spec.template.spec.containers[0].image; }, /image/],
  ['container port 0', (ro: Obj) => { ro.spec.template.spec.containers[0].ports = [{ containerPort: 0 }]; }, /containerPort/],
  ['container port 70000', (ro: Obj) => { ro.spec.template.spec.containers[0].ports = [{ containerPort: 70000 }]; }, /containerPort/],
  ['no selector', (ro: Obj) => { delete ro.spec.selector; }, /selector/],
  ['no strategy', (ro: Obj) => { delete ro.spec.strategy; }, /strategy/],
  ['steps not a list', (ro: Obj) => { canary(ro).steps = { setWeight: 10 }; }, /steps/],
  ['paused as a string', (ro: Obj) => { ro.spec.paused = 'yes'; }, /paused/],
  ['minReadySeconds negative', (ro: Obj) => { ro.spec.minReadySeconds = -1; }, /minReadySeconds/],
  ['revisionHistoryLimit negative', (ro: Obj) => { ro.spec.revisionHistoryLimit = -1; }, /revisionHistoryLimit/],
  ['progressDeadlineSeconds 0', (ro: Obj) => { ro.spec.progressDeadlineSeconds = 0; }, /progressDeadlineSeconds/],
  ['scaleDownDelaySeconds negative', (ro: Obj) => { canary(ro).scaleDownDelaySeconds = -5; }, /scaleDownDelaySeconds/],
  ['abortScaleDownDelaySeconds as a string', (ro: Obj) => { canary(ro).abortScaleDownDelaySeconds = 'soon'; }, /abortScaleDownDelaySeconds/],
  ['mappings not a list', (ro: Obj) => { canary(ro).trafficRouting.ambassador.mappings = 'demo'; }, /mappings/],
  ['ambassador apiVersion unknown', (ro: Obj) => { canary(ro).trafficRouting.ambassador.apiVersion = 'getambassador.io/v9'; }, /apiVersion/],
  ['setCanaryScale replicas negative', step({ setCanaryScale: { replicas: -1 } }), /replicas/],
  ['setCanaryScale weight 150', step({ setCanaryScale: { weight: 150 } }), /weight/],
  ['analysis step without templates list', step({ analysis: { templates: 'success-rate' } }), /templates/],
  ['podTemplateHashValue unknown', step({ analysis: { templates: [{ templateName: 'x' }], args: [{ name: 'a', valueFrom: { podTemplateHashValue: 'Newest' } }] } }), /podTemplateHashValue/],
  ['selector matchLabels not strings', (ro: Obj) => { ro.spec.selector.matchLabels = { app: 7 }; }, /matchLabels|app/],
].map(([name, mutate, message]) => ({ name: name as string, mutate: mutate as Mutation, outcome: 'refused' as const, message: message as RegExp }));

const INVALID: BadCase[] = [
  ['two step kinds in one step', step({ setWeight: 20, pause: {} }), /exactly one/],
  ['an empty step', step({}), /exactly one|empty/],
  ['pause duration 5x', step({ pause: { duration: '5x' } }), /duration/],
  ['pause duration -3s', step({ pause: { duration: '-3s' } }), /duration/],
  ['stableService equals canaryService', (ro: Obj) => { canary(ro).canaryService = canary(ro).stableService; }, /canaryService|differ/],
  ['maxSurge and maxUnavailable both 0', (ro: Obj) => { Object.assign(canary(ro), { maxSurge: 0, maxUnavailable: 0 }); }, /maxSurge|maxUnavailable/],
  ['maxSurge as a bad percent', (ro: Obj) => { canary(ro).maxSurge = 'lots'; }, /maxSurge/],
  ['selector not matching template labels', (ro: Obj) => { ro.spec.selector.matchLabels = { app: 'other' }; }, /selector/],
  ['empty selector', (ro: Obj) => { ro.spec.selector = {}; }, /selector/],
  ['stableService missing', (ro: Obj) => { canary(ro).stableService = 'ghost-stable'; }, /ghost-stable/],
  ['canaryService missing', (ro: Obj) => { canary(ro).canaryService = 'ghost-canary'; }, /ghost-canary/],
  ['base Mapping missing', (ro: Obj) => { canary(ro).trafficRouting.ambassador.mappings = ['ghost-mapping']; }, /ghost-mapping/],
  ['base Mapping with a weight', (ro: Obj) => { canary(ro).trafficRouting.ambassador.mappings = ['weighted']; }, /weight/],
  ['traffic routing without services', (ro: Obj) => { delete canary(ro).stableService; delete canary(ro).canaryService; }, /Service|service/],
  ['empty mappings list', (ro: Obj) => { canary(ro).trafficRouting.ambassador.mappings = []; }, /mappings/],
  ['AnalysisTemplate missing', step({ analysis: { templates: [{ templateName: 'nope-template' }] } }), /nope-template/],
  ['ClusterAnalysisTemplate missing', step({ analysis: { templates: [{ templateName: 'nope-cluster', clusterScope: true }] } }), /nope-cluster/],
  ['background startingStep past the steps', (ro: Obj) => { canary(ro).analysis = { templates: [{ templateName: 'good-template' }], startingStep: 9 }; }, /startingStep/],
  ['setCanaryScale with two fields', step({ setCanaryScale: { replicas: 1, weight: 10 } }), /exactly one/],
  ['setCanaryScale without traffic routing', (ro: Obj) => {
    delete canary(ro).trafficRouting; canary(ro).steps = [{ setCanaryScale: { replicas: 1 } }];
  }, /trafficRouting/],
  ['two containers with one name', (ro: Obj) => {
    const c = ro.spec.template.spec.containers[0]; ro.spec.template.spec.containers = [c, { ...c, ports: [] }];
  }, /used by two containers/],
  ['Service selecting other labels', (ro: Obj) => { canary(ro).stableService = 'other-selector'; }, /other-selector/],
  ['pause duration 1x5', step({ pause: { duration: '1x5' } }), /duration/],
  ['trafficRouting without ambassador', (ro: Obj) => { canary(ro).trafficRouting = {}; }, /ambassador/],
  // The schema problem does not hide the step problem: both at once, as `kanary lint` shows them.
  ['a schema problem and a step problem together', (ro: Obj) => { canary(ro).maxSurge = 'lots'; canary(ro).steps = [{ setWeight: 20, pause: {} }]; }, /maxSurge[^]*exactly one|exactly one[^]*maxSurge/],
  ['step analysis with an arg without value', step({ analysis: { templates: [{ templateName: 'good-template' }], args: [{ name: 'x' }] } }), /./],
].map(([name, mutate, message]) => ({ name: name as string, mutate: mutate as Mutation, outcome: 'invalid' as const, message: message as RegExp }));

const ns = useTestNamespace('badinput');
let controller: ControllerProcess;
let view: ClusterView;
let base: Obj;

function rolloutFor(index: number, bad: BadCase): Obj {
  const ro = structuredClone(base);
  ro.metadata = { name: `bad-${index}`, labels: { 'corpus-case': String(index) } };
  bad.mutate(ro);
  return ro;
}

beforeAll(async () => {
  view = new ClusterView(ns.kc, ns.name);
  controller = startController({ namespace: ns.name, flags: ['--mapping-propagation-delay', '1s'] });
  await controller.metricsUrl();
  const docs = tweakExample(loadExample('canary-ambassador'), { replicas: 2 });
  base = docs.find((d) => d.kind === 'Rollout') as Obj;
  const extras: Obj[] = [
    { apiVersion: 'getambassador.io/v2', kind: 'Mapping', metadata: { name: 'weighted' }, spec: { prefix: '/w/', service: 'demo-stable:80', weight: 30 } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'other-selector' }, spec: { selector: { app: 'somebody-else' }, ports: [{ port: 80, targetPort: 8080 }] } },
    {
      apiVersion: 'kanary.dev/v1alpha1', kind: 'AnalysisTemplate', metadata: { name: 'good-template' },
      spec: { args: [{ name: 'x' }], metrics: [{ name: 'm', interval: '5s', count: 1, successCondition: 'result >= 0', provider: { web: { url: 'http://127.0.0.1:1/{{args.x}}' } } }] },
    },
  ];
  await applyDocs(ns.name, [...docs, ...extras]);
});

afterAll(async () => {
  await controller?.stop();
});

const CORPUS: BadCase[] = [...REFUSED, ...INVALID];

/** The InvalidSpec message of a Degraded rollout, once there is one. */
async function invalidSpecMessage(name: string): Promise<string | undefined> {
  const status = (await view.rollout(name)).status;
  const condition = (status?.conditions ?? []).find((c: Obj) => c.type === 'InvalidSpec' && c.status === 'True');
  return status?.phase === 'Degraded' && condition ? String(condition.message) : undefined;
}

test(`${CORPUS.length} malformed Rollouts: each refused naming the field, or InvalidSpec naming the problem; a valid one progresses`, async () => {
  expect(CORPUS.length).toBeGreaterThanOrEqual(50);
  const accepted: Array<{ index: number; bad: BadCase }> = [];
  const outcomes: string[] = [];
  for (const [index, bad] of CORPUS.entries()) {
    const result = await kubectl(['apply', '--validate=false', '-n', ns.name, '-f', '-'], { input: JSON.stringify(rolloutFor(index, bad)), allowFailure: true });
    if (result.code === 0) {
      accepted.push({ index, bad });
      continue;
    }
    outcomes.push(`${bad.name}: refused`);
    expect({ name: bad.name, stderr: result.stderr, named: bad.message.test(result.stderr) }).toMatchObject({ name: bad.name, named: true });
  }
  await setImage(ns.name, 'kanary/demo-app:v2');
  for (const { index, bad } of accepted) {
    const message = await waitFor(() => invalidSpecMessage(`bad-${index}`), { timeoutMs: 60_000, description: `InvalidSpec for "${bad.name}"` });
    outcomes.push(`${bad.name}: InvalidSpec`);
    expect({ name: bad.name, message, named: bad.message.test(message) }).toMatchObject({ name: bad.name, named: true });
  }
  console.log(outcomes.join('\n'));
  await waitFor(async () => (await view.rollout()).status?.phase === 'Paused', { timeoutMs: 90_000, description: 'the valid rollout reaches its pause' });
  expect((await kanary(['promote', 'demo', '--full', '-n', ns.name])).code).toBe(0);
  await waitFor(async () => {
    const s = (await view.rollout()).status;
    return s?.phase === 'Healthy' && s.stableRS === s.currentPodHash;
  }, { timeoutMs: 90_000, description: 'the valid rollout completes' });
  const health = await fetch(`${await controller.probesUrl()}/healthz`);
  expect(health.status).toBe(200);
  expect(controller.exited()).toBe(false);
});
