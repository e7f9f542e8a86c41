/**
 * Issue 4, scenarios 10–12 and bad input: SIGKILL at several moments of a rollout, two controller
 * replicas with leader election, the basic canary without traffic routing, and invalid Rollouts that
 * must not stop a valid one.
 */
import { jest } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { kubectl, useTestNamespace, waitFor } from '../harness/cluster.js';
import { startController, type ControllerProcess } from '../harness/controller-process.js';
import { applyDocs, ClusterView, kanary, loadExample, setImage, tweakExample, type Obj } from './rollout-fixtures.js';

jest.setTimeout(480_000);

const ns = useTestNamespace('resilience');
let view: ClusterView;
const running: ControllerProcess[] = [];

function launch(identity?: string): ControllerProcess {
  const controller = startController({ namespace: ns.name, identity, flags: ['--mapping-propagation-delay', '1s', '--lease-duration', '6s', '--renew-deadline', '4s', '--retry-period', '1s'] });
  running.push(controller);
  return controller;
}

beforeAll(() => {
  view = new ClusterView(ns.kc, ns.name);
});

afterAll(async () => {
  await Promise.all(running.map((c) => c.stop()));
});

const status = async (name = 'demo'): Promise<Obj> => (await view.rollout(name)).status ?? {};

async function assertNoDuplicates(): Promise<void> {
  const hashes = (await view.replicaSets()).filter((rs) => rs.metadata?.name?.startsWith('demo-')).map((rs) => rs.metadata?.labels?.['rollouts-pod-template-hash']);
  expect(new Set(hashes).size).toBe(hashes.length);
  const canaries = (await view.mappings()).filter((m) => String(m.metadata?.name).endsWith('-canary'));
  expect(canaries.length).toBeLessThanOrEqual(1);
}

test('SIGKILLed at several moments of a promotion and restarted: the rollout completes, never duplicates', async () => {
  let controller = launch();
  await applyDocs(ns.name, tweakExample(loadExample('canary-ambassador'), { replicas: 4, scaleDownDelaySeconds: 2 }));
  await waitFor(async () => (await status()).phase === 'Healthy', { timeoutMs: 60_000, description: 'Healthy' });
  await setImage(ns.name, 'kanary/demo-app:v2');
  // Each promote goes to a pause the Rollout has newly reached: a second promote of the same pause
  // (sent before a killed controller acted on the first) is the same request and moves one step.
  let promotedStep = -1;
  for (let round = 0; round < 3; round += 1) {
    await sleep(700 + round * 400);
    await controller.kill();
    await assertNoDuplicates();
    controller = launch();
    const paused = await waitFor(async () => {
      const s = await status();
      // A pause the controller entered (controllerPause): after a promote the phase still reads
      // Paused until a controller acknowledges it, and promoting that would skip the next step.
      return s.phase === 'Paused' && s.controllerPause === true && Number(s.currentStepIndex) > promotedStep ? s : undefined;
    }, { timeoutMs: 60_000, description: `paused at a new step after restart ${round}` });
    promotedStep = Number(paused.currentStepIndex);
    await kanary(['promote', 'demo', '-n', ns.name]);
  }
  const done = await waitFor(async () => {
    const s = await status();
    return s.phase === 'Healthy' && s.stableRS === s.currentPodHash && s.currentStepIndex === 6 ? s : undefined;
  }, { timeoutMs: 90_000, description: 'Healthy on v2 after the kills' }).catch(async (error: unknown) => {
    console.error(`not Healthy after the kills; status ${JSON.stringify(await status())}\nlogs:\n${controller.logs.slice(-30).join('\n')}`);
    throw error;
  });
  await assertNoDuplicates();
  expect((await view.replicaSetOf(done.stableRS))?.status?.availableReplicas).toBe(4);
  await controller.stop();
});

async function stopAll(): Promise<void> {
  await Promise.all(running.map((c) => c.stop()));
}

const leaderLine = (c: ControllerProcess) => c.logs.some((l) => l.includes('became leader'));

test('two replicas: only the leader acts; kill it and the standby finishes the rollout', async () => {
  await stopAll();
  const a = launch('replica-a');
  const b = launch('replica-b');
  await waitFor(() => leaderLine(a) || leaderLine(b), { timeoutMs: 60_000, description: 'a leader' });
  await setImage(ns.name, 'kanary/demo-app:v3');
  await waitFor(async () => (await status()).phase === 'Paused', { timeoutMs: 60_000, description: 'paused at 30%' });
  expect([leaderLine(a), leaderLine(b)].filter(Boolean)).toHaveLength(1);
  const [leader, standby] = leaderLine(a) ? [a, b] : [b, a];
  await leader.kill();
  expect((await kanary(['promote', 'demo', '--full', '-n', ns.name])).code).toBe(0);
  await waitFor(async () => {
    const s = await status();
    return s.phase === 'Healthy' && s.stableRS === s.currentPodHash;
  }, { timeoutMs: 90_000, description: 'standby completes the rollout' });
  expect(leaderLine(standby)).toBe(true);
  await standby.stop();
});

test('without traffic routing, replica counts follow the basic canary math step by step', async () => {
  await stopAll();
  const controller = launch();
  const docs = tweakExample(loadExample('canary-ambassador'), {
    replicas: 4, trafficRouting: false, steps: [{ setWeight: 25 }, { pause: {} }, { setWeight: 50 }, { pause: {} }],
  }).filter((d) => d.kind === 'Rollout').map((d) => ({ ...d, metadata: { name: 'basic' } }));
  await applyDocs(ns.name, docs);
  await waitFor(async () => (await status('basic')).phase === 'Healthy', { timeoutMs: 60_000, description: 'basic Healthy' });
  const stable = (await status('basic')).stableRS;
  await kubectl(['patch', 'rollouts.kanary.dev', 'basic', '-n', ns.name, '--type', 'json', '-p', JSON.stringify([{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'kanary/demo-app:v2' }])]);
  const at25 = await waitFor(async () => {
    const s = await status('basic');
    return s.phase === 'Paused' && s.currentStepIndex === 1 ? s : undefined;
  }, { timeoutMs: 60_000, description: 'basic paused at 25%' });
  expect((await view.replicaSetOf(at25.currentPodHash, 'basic'))?.spec?.replicas).toBe(1);
  expect((await view.replicaSetOf(stable, 'basic'))?.spec?.replicas).toBe(3);
  await kanary(['promote', 'basic', '-n', ns.name]);
  await waitFor(async () => (await status('basic')).currentStepIndex === 3 && (await status('basic')).phase === 'Paused', { timeoutMs: 60_000, description: 'basic paused at 50%' });
  expect((await view.replicaSetOf(at25.currentPodHash, 'basic'))?.spec?.replicas).toBe(2);
  expect((await view.replicaSetOf(stable, 'basic'))?.spec?.replicas).toBe(2);
  await controller.stop();
});

test('invalid Rollouts get InvalidSpec and a Warning event; a valid one keeps progressing; creating the missing object fixes it', async () => {
  await stopAll();
  const controller = launch();
  const base = tweakExample(loadExample('canary-ambassador'), { replicas: 2 }).find((d) => d.kind === 'Rollout') as Obj;
  const missingService = structuredClone(base);
  missingService.metadata = { name: 'no-svc' };
  missingService.spec.strategy.canary.stableService = 'ghost-stable';
  const missingMapping = structuredClone(base);
  missingMapping.metadata = { name: 'no-mapping' };
  missingMapping.spec.strategy.canary.trafficRouting.ambassador.mappings = ['ghost'];
  await applyDocs(ns.name, [missingService, missingMapping]);
  for (const [name, needle] of [['no-svc', 'ghost-stable'], ['no-mapping', 'ghost']] as const) {
    const s = await waitFor(async () => {
      const st = await status(name);
      return st.phase === 'Degraded' ? st : undefined;
    }, { timeoutMs: 30_000, description: `${name} Degraded` });
    expect(s.conditions.find((c: Obj) => c.type === 'InvalidSpec')?.message).toContain(needle);
  }
  const events = await kubectl(['get', 'events', '-n', ns.name, '--field-selector', 'involvedObject.name=no-svc,type=Warning', '-o', 'json']);
  expect((JSON.parse(events.stdout) as { items: Obj[] }).items.some((e) => e.reason === 'InvalidSpec')).toBe(true);
  expect((await kanary(['promote', 'demo', '-n', ns.name])).stderr).not.toContain('internal error');
  await kubectl(['create', 'service', 'clusterip', 'ghost-stable', '--tcp=80:8080', '-n', ns.name]);
  await kubectl(['patch', 'service', 'ghost-stable', '-n', ns.name, '-p', JSON.stringify({ spec: { selector: { app: 'demo' } } })]);
  await waitFor(async () => (await status('no-svc')).phase === 'Healthy', { timeoutMs: 40_000, description: 'no-svc recovers once the Service exists' });
  expect(controller.exited()).toBe(false);
  await controller.stop();
});
