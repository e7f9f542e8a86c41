// Issue 22: `kanary get rollout` on a blue/green Rollout: the stage, the Services' hashes, the runs.
import { rolloutSchema, type Rollout } from '../../src/api/rollout.js';
import { buildBlueGreenView, renderBlueGreenLines } from '../../src/cli/render-bluegreen.js';

function rollout(blueGreen: Record<string, unknown>, status: Record<string, unknown>): Rollout {
  return rolloutSchema.parse({
    metadata: { name: 'web' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:1' }] } },
      strategy: { blueGreen: { activeService: 'a', previewService: 'p', ...blueGreen } },
    },
    status,
  });
}

const base = { stableRS: 'old', currentPodHash: 'new' };

test.each<[string, Record<string, unknown>, Record<string, unknown>, string]>([
  ['initial deploy', {}, { currentPodHash: 'new' }, 'initial deploy'],
  ['promoted', {}, { stableRS: 'new', currentPodHash: 'new' }, 'promoted: the active Service serves the current revision'],
  ['aborted', {}, { ...base, abort: true }, 'aborted: active Service back on the stable revision'],
  ['switched', {}, { ...base, blueGreen: { activeSelector: 'new' } }, 'switched: post-promotion analysis before the revision is stable'],
  ['manual pause', { autoPromotionEnabled: false }, { ...base, pauseConditions: [{ reason: 'BlueGreenPause', startTime: '2025-01-01T00:00:00Z' }] }, 'preview: waiting for kanary promote'],
  ['timed pause', { autoPromotionSeconds: 30 }, { ...base, pauseConditions: [{ reason: 'BlueGreenPause', startTime: '2025-01-01T00:00:00Z' }] }, 'preview: auto-promotion 30s after the pause started'],
  ['inconclusive', {}, { ...base, pauseConditions: [{ reason: 'InconclusiveAnalysisRun', startTime: '2025-01-01T00:00:00Z' }] }, 'preview: an analysis was inconclusive, promote or abort'],
  ['scaling up', {}, { ...base, blueGreen: { scaleUpPreviewCheckPoint: true } }, 'promoting: new revision scaling to full replicas before the switch'],
  ['preview', {}, base, 'preview: new revision starting behind the preview Service'],
])('stage when %s', (_name, blueGreen, status, stage) => {
  expect(buildBlueGreenView(rollout(blueGreen, status))?.stage).toBe(stage);
});

test('the header lines: stage, hashes and the promotion runs', () => {
  const view = buildBlueGreenView(rollout({}, {
    ...base,
    blueGreen: { activeSelector: 'old', previewSelector: 'new', prePromotionAnalysisRunStatus: { name: 'web-new-2-pre', status: 'Running' } },
  }));
  if (view === undefined) throw new Error('no view');
  expect(renderBlueGreenLines(view, (label, value) => `${label.padEnd(16)}${value}`)).toEqual([
    '  Stage:        preview: new revision starting behind the preview Service',
    '  Active:       old',
    '  Preview:      new',
    '  PrePromotion: web-new-2-pre (Running)',
  ]);
});

test('a canary Rollout has no blue/green view', () => {
  const canary = rolloutSchema.parse({
    metadata: { name: 'web' },
    spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:1' }] } }, strategy: { canary: {} } },
  });
  expect(buildBlueGreenView(canary)).toBeUndefined();
});

test('list rollouts: a blue/green Rollout is BlueGreen with no step and no weight', async () => {
  const { buildRolloutRow } = await import('../../src/cli/render-rollout-table.js');
  const raw = {
    apiVersion: 'kanary.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      replicas: 4,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:1' }] } },
      strategy: { blueGreen: { activeService: 'a' } },
    },
    status: { phase: 'Paused', stableRS: 'old', currentPodHash: 'new', replicas: 8, readyReplicas: 8, updatedReplicas: 4, availableReplicas: 8 },
  };
  expect(buildRolloutRow(raw)).toMatchObject({ name: 'web', strategy: 'BlueGreen', status: 'Paused', step: '-', setWeight: '-', desired: 4, ready: '8/8' });
});
