/**
 * Issue 18: the release journal with the real controller. A controller killed (SIGKILL) again and
 * again mid-release loses no journal entry and repeats none; `kanary report` of a release with 3
 * promotions, an abort and a retry tells what happened; `kanary get rollout` shows the last decision.
 */
import { jest } from '@jest/globals';
import { useTestNamespace, waitFor } from '../harness/cluster.js';
import { startController, type ControllerProcess } from '../harness/controller-process.js';
import { applyDocs, ClusterView, kanary, loadExample, setImage, tweakExample, type Obj } from './rollout-fixtures.js';
import { createSeededRandom, randomInt } from '../../src/sandbox/kubelet/random.js';
import { chooseSeed } from '../reliability/reliability-fixtures.js';

jest.setTimeout(300_000);

const STEPS = [{ setWeight: 20 }, { pause: {} }, { setWeight: 50 }, { pause: {} }];
/** What one release through STEPS records, promoted at each pause, in order. */
const PROMOTED_RELEASE = [
  'RevisionStarted/controller', 'WeightSet/controller 0->20', 'StepCompleted/controller', 'PauseStarted/controller',
  'Promoted/user', 'WeightSet/controller 20->50', 'StepCompleted/controller', 'PauseStarted/controller',
  'Promoted/user', 'WeightSet/controller 50->100', 'Completed/controller', 'WeightSet/controller 100->0',
];

const ns = useTestNamespace('journal');
let controller: ControllerProcess;
let view: ClusterView;

const launch = () => startController({ namespace: ns.name, flags: ['--mapping-propagation-delay', '1s'] });
const status = async (): Promise<Obj> => (await view.rollout()).status ?? {};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function story(entries: Obj[], revision: number): string[] {
  return entries
    .filter((e) => e.revision === revision)
    .map((e) => `${e.decision}/${e.by}${e.weight === undefined ? '' : ` ${e.fromWeight}->${e.weight}`}`);
}

async function journal(): Promise<Obj[]> {
  return ((await status()).journal?.entries ?? []) as Obj[];
}

async function waitPausedAt(step: number, description: string): Promise<void> {
  await waitFor(async () => {
    const s = await status();
    return s.phase === 'Paused' && s.currentStepIndex === step && !s.abort;
  }, { timeoutMs: 90_000, description });
}

async function waitHealthyOn(revisionEntries: number): Promise<void> {
  await waitFor(async () => {
    const s = await status();
    const done = s.phase === 'Healthy' && s.stableRS === s.currentPodHash && (await view.mapping('demo-canary')) === undefined;
    return done && story((s.journal?.entries ?? []) as Obj[], revisionEntries).at(-1) === 'WeightSet/controller 100->0';
  }, { timeoutMs: 90_000, description: `Healthy with revision ${revisionEntries} journaled` });
}

async function promote(): Promise<void> {
  expect((await kanary(['promote', 'demo', '-n', ns.name])).code).toBe(0);
}

beforeAll(async () => {
  view = new ClusterView(ns.kc, ns.name);
  controller = launch();
  await controller.metricsUrl();
  await applyDocs(ns.name, tweakExample(loadExample('canary-ambassador'), { replicas: 4, steps: STEPS, scaleDownDelaySeconds: 2, abortScaleDownDelaySeconds: 2 }));
  await waitFor(async () => (await status()).phase === 'Healthy', { timeoutMs: 60_000, description: 'Healthy' });
  expect(story(await journal(), 1)).toEqual(['Deployed/controller']);
});

afterAll(async () => {
  await controller?.stop();
});

test('a controller killed again and again mid-release loses no journal entry and repeats none', async () => {
  await setImage(ns.name, 'kanary/demo-app:v2');
  await sleep(300);
  await controller.kill(); // mid-way through the first step: ReplicaSet, weight, pause
  controller = launch();
  await waitPausedAt(1, 'paused at 20% after a kill');
  await controller.kill(); // a promote while no controller runs
  await promote();
  controller = launch();
  await sleep(400);
  await controller.kill(); // and a kill while it acts on that promote
  controller = launch();
  await waitPausedAt(3, 'paused at 50% after the kills');
  await promote();
  await waitHealthyOn(2);
  const entries = await journal();
  expect(story(entries, 2)).toEqual(PROMOTED_RELEASE);
  const s = await status();
  expect(s.journal.recorded).toBe(entries.length);
  const times = entries.map((e) => Date.parse(e.time as string));
  expect([...times].sort((a, b) => a - b)).toEqual(times);
});

test('SIGKILLs at seeded random moments of a whole release: the journal tells it exactly once', async () => {
  const seed = chooseSeed();
  const random = createSeededRandom(seed);
  await setImage(ns.name, 'kanary/demo-app:v2b');
  let kills = 0;
  let promotedAt = -1;
  let promotions = 0;
  // A pause is promoted only once enough kills have happened (5, then all 10), so every kill falls
  // inside the release however fast this machine runs it.
  const killsBeforePromotion = [5, 10];
  const deadline = Date.now() + 150_000;
  while (Date.now() < deadline) {
    const s = await status();
    if (s.phase === 'Healthy' && s.stableRS === s.currentPodHash && story((s.journal?.entries ?? []) as Obj[], 3).at(-1) === 'WeightSet/controller 100->0') break;
    const pausedAtStep = s.phase === 'Paused' && (s.pauseConditions ?? []).length > 0;
    if (pausedAtStep && s.currentStepIndex !== promotedAt && kills >= (killsBeforePromotion[promotions] ?? 10)) {
      promotedAt = s.currentStepIndex as number;
      promotions += 1;
      await promote();
    }
    await sleep(randomInt(random, 50, 1200));
    if (kills < 10) {
      await controller.kill();
      kills += 1;
      controller = launch();
    }
  }
  const entries = await journal();
  expect({ seed, story: story(entries, 3) }).toEqual({ seed, story: PROMOTED_RELEASE });
  expect(kills).toBe(10);
});

test('kanary report of a release with 3 promotions, an abort and a retry matches what happened', async () => {
  await setImage(ns.name, 'kanary/demo-app:v3');
  await waitPausedAt(1, 'v3 paused at 20%');
  await promote();
  await waitPausedAt(3, 'v3 paused at 50%');
  expect((await kanary(['abort', 'demo', '-n', ns.name])).code).toBe(0);
  await waitFor(async () => story(await journal(), 4).at(-1) === 'WeightSet/controller 50->0', { timeoutMs: 30_000, description: 'rollback journaled' });
  expect((await kanary(['retry', 'demo', '-n', ns.name])).code).toBe(0);
  await waitPausedAt(1, 'v3 paused at 20% after retry');
  await promote();
  await waitPausedAt(3, 'v3 paused at 50% after retry');
  await promote();
  await waitHealthyOn(4);

  const result = await kanary(['report', 'demo', '-n', ns.name, '-o', 'json']);
  expect(result.stderr).toBe('');
  const report = JSON.parse(result.stdout) as Obj;
  expect(report.revision).toBe(4);
  expect(report.images).toEqual(['kanary/demo-app:v3']);
  expect(report.journalTruncated).toBe(false);
  expect((report.timeline as Obj[]).map((t) => `${t.decision}/${t.by}${t.weight === undefined ? '' : ` ${t.fromWeight}->${t.weight}`}`)).toEqual([
    ...PROMOTED_RELEASE.slice(0, 8),
    'Aborted/user', 'WeightSet/controller 50->0',
    'Retried/user', ...PROMOTED_RELEASE.slice(1),
  ]);
  expect(report.counts).toEqual({ promotions: 3, aborts: 1, retries: 1 });
  expect(report.outcome).toMatchObject({ state: 'promoted', decision: 'Completed', by: 'controller' });
  expect(report.durations.rollbacksMs).toHaveLength(1);
  expect(report.durations.rollbacksMs[0]).toBeLessThan(10_000);
  expect(Object.keys(report.durations.timeAtWeightMs).sort()).toEqual(['0', '100', '20', '50']);

  const markdown = await kanary(['report', 'demo', '-n', ns.name, '-o', 'markdown']);
  expect(markdown.stdout).toContain(`## Release report: ${ns.name}/demo, revision 4`);
  expect(markdown.stdout).toContain('- **People:** 3 promotions, 1 abort, 1 retry');
  const older = await kanary(['report', 'demo', '-n', ns.name, '--revision', '2']);
  // Revision 2's entries have left the journal (30 kept): its Events fill in, up to revision 3.
  expect(older.stdout).toContain('the journal no longer holds the start of this release');
  expect(older.stdout).toMatch(/RolloutPromoted +\(event\) +Promoted by a user \(step 1, revision 2\)/);
  expect(older.stdout).not.toMatch(/revision [34]\)/);

  const get = await kanary(['get', 'rollout', 'demo', '-n', ns.name]);
  expect(get.stdout).toMatch(/\nLast decision: {4}WeightSet by the controller \(step 4, revision 4\): promotion: stable Service serves revision 4, canary route emptied\n/);
});
