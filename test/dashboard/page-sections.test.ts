// The Rollout page's journal list and blue/green view (src/dashboard/page-sections.ts), built from
// the objects the dashboard's informers hold.
import { buildRolloutPage, buildOverview } from '../../src/dashboard/view-model.js';
import { buildPauseView } from '../../src/cli/render-rollout-pause.js';
import { rolloutSchema } from '../../src/api/rollout.js';
import type { NamespaceObjects } from '../../src/cli/rollout-tree.js';

const now = Date.parse('2026-01-01T12:00:00Z');

function blueGreenRollout(status: Record<string, unknown>, blueGreen: Record<string, unknown> = {}) {
  return {
    apiVersion: 'kanary.dev/v1alpha1', kind: 'Rollout',
    metadata: { name: 'web', namespace: 'shop', uid: 'web-uid' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'web:v2' }] } },
      strategy: { blueGreen: { activeService: 'web-active', previewService: 'web-preview', autoPromotionSeconds: 60, prePromotionAnalysis: { templates: [{ templateName: 'ok' }] }, ...blueGreen } },
    },
    status,
  };
}

function replicaSet(hash: string, revision: number) {
  return {
    apiVersion: 'apps/v1', kind: 'ReplicaSet',
    metadata: { name: `web-${hash}`, namespace: 'shop', labels: { app: 'web', 'rollouts-pod-template-hash': hash }, annotations: { 'kanary.dev/revision': String(revision) }, ownerReferences: [{ apiVersion: 'kanary.dev/v1alpha1', kind: 'Rollout', name: 'web', uid: 'web-uid', controller: true }] },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: {} },
    status: { replicas: 2, availableReplicas: 2, readyReplicas: 2 },
  };
}

const pausedStatus = {
  phase: 'Paused', stableRS: 'aaa', currentPodHash: 'bbb',
  pauseConditions: [{ reason: 'BlueGreenPause', startTime: '2026-01-01T11:59:30Z' }],
  blueGreen: { activeSelector: 'aaa', previewSelector: 'bbb', prePromotionAnalysisRunStatus: { name: 'web-bbb-2-pre', status: 'Successful' } },
  journal: {
    entries: [
      { time: '2026-01-01T11:58:00Z', revision: 2, decision: 'RevisionStarted', by: 'controller', reason: 'template changed' },
      { time: '2026-01-01T11:59:30Z', revision: 2, decision: 'AnalysisPassed', by: 'analysis', reason: 'pre-promotion AnalysisRun "web-bbb-2-pre" Successful', analysisRun: 'web-bbb-2-pre', verdict: 'Successful', values: [{ metric: 'ready', phase: 'Successful', value: '[1]', condition: 'result[0] == 1' }] },
      { time: '2026-01-01T11:59:30Z', revision: 2, decision: 'PauseStarted', by: 'controller', reason: 'promotion pause: auto-promotion in 60s' },
    ],
  },
};

const objects = (status: Record<string, unknown>): NamespaceObjects => ({
  rollouts: [blueGreenRollout(status)], replicaSets: [replicaSet('aaa', 1), replicaSet('bbb', 2)], pods: [], analysisRuns: [], mappings: [],
});

describe('a blue/green Rollout on the dashboard', () => {
  test('the page shows which revision each Service selects, the stage, the analyses and how the pause ends', () => {
    const page = buildRolloutPage(objects(pausedStatus), { namespace: 'shop', name: 'web' }, [], now);
    expect(page?.blueGreen).toEqual({
      stage: 'preview: auto-promotion 60s after the pause started',
      services: [
        { role: 'active', service: 'web-active', hash: 'aaa', revision: 1, replicaSet: 'web-aaa' },
        { role: 'preview', service: 'web-preview', hash: 'bbb', revision: 2, replicaSet: 'web-bbb' },
      ],
      promotion: 'auto-promotion 60s after the pause starts',
      prePromotionAnalysis: 'web-bbb-2-pre (Successful)',
    });
    expect(page?.summary).toMatchObject({ strategy: 'BlueGreen', activeRevision: 1 });
    expect(page?.view.pause).toMatchObject({ kind: 'timed', remainingMs: 30_000 });
  });

  test('the overview row carries the strategy and the active revision', () => {
    const [row] = buildOverview(objects(pausedStatus), now);
    expect(row).toMatchObject({ strategy: 'BlueGreen', activeRevision: 1, phase: 'Paused' });
  });

  test('a canary Rollout has no blue/green view', () => {
    const canary = { ...blueGreenRollout({}), spec: { ...blueGreenRollout({}).spec, strategy: { canary: { steps: [{ setWeight: 20 }] } } } };
    const page = buildRolloutPage({ ...objects({}), rollouts: [canary] }, { namespace: 'shop', name: 'web' }, [], now);
    expect(page?.blueGreen).toBeUndefined();
    expect(page?.summary.strategy).toBe('Canary');
  });
});

describe('the journal on the page', () => {
  test('newest first, with who decided, and the deciding values in words', () => {
    const page = buildRolloutPage(objects(pausedStatus), { namespace: 'shop', name: 'web' }, [], now);
    expect(page?.journal.map((e) => e.decision)).toEqual(['PauseStarted', 'AnalysisPassed', 'RevisionStarted']);
    expect(page?.journal[1]).toMatchObject({ by: 'analysis', analysisRun: 'web-bbb-2-pre', values: ['ready 1 vs result[0] == 1'] });
  });

  test('a weight change reads from → to', () => {
    const status = { journal: { entries: [{ time: '2026-01-01T11:59:00Z', revision: 2, step: 0, decision: 'WeightSet', by: 'controller', reason: 'x', fromWeight: 0, weight: 20 }] } };
    const page = buildRolloutPage(objects(status), { namespace: 'shop', name: 'web' }, [], now);
    expect(page?.journal).toEqual([{ time: '2026-01-01T11:59:00Z', revision: 2, step: 0, decision: 'WeightSet', by: 'controller', reason: 'x', weight: '0% → 20%', values: [] }]);
  });

  test('no journal in status: an empty list', () => {
    const page = buildRolloutPage(objects({}), { namespace: 'shop', name: 'web' }, [], now);
    expect(page?.journal).toEqual([]);
  });
});

describe('the auto-promotion pause counts down (get rollout and the page)', () => {
  test('autoPromotionSeconds: a timed pause; autoPromotionEnabled false: indefinite', () => {
    const timed = buildPauseView(rolloutSchema.parse(blueGreenRollout(pausedStatus)), { now, durationOf: () => undefined });
    expect(timed).toEqual({ kind: 'timed', reason: 'BlueGreenPause (auto-promotion after 1m)', durationMs: 60_000, remainingMs: 30_000 });
    const manual = buildPauseView(rolloutSchema.parse(blueGreenRollout(pausedStatus, { autoPromotionEnabled: false, autoPromotionSeconds: undefined })), { now, durationOf: () => undefined });
    expect(manual?.kind).toBe('indefinite');
  });
});
