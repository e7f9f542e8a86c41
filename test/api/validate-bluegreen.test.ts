// Issue 22: spec.strategy.blueGreen as written: accepted with Argo's defaults, bad input refused
// with a problem naming the field.
import { validateRollout } from '../../src/api/validate-rollout.js';
import { rawRollout } from './rollout-fixture.js';

type Fields = Record<string, unknown>;

function blueGreenRollout(blueGreen: Fields, spec: Fields = {}): Fields & { spec: Fields } {
  const doc = rawRollout();
  doc.spec.strategy = { blueGreen };
  Object.assign(doc.spec, spec);
  return doc;
}

function problemsOf(doc: unknown): string[] {
  return validateRollout(doc).problems.map((p) => `${p.path}: ${p.message}`);
}

test('an Argo blue/green Rollout parses with the defaults', () => {
  const result = validateRollout(blueGreenRollout({ activeService: 'web-active', previewService: 'web-preview' }, { replicas: 3 }));
  expect(result.problems).toEqual([]);
  expect(result.rollout?.spec.strategy.blueGreen).toEqual({
    activeService: 'web-active',
    previewService: 'web-preview',
    autoPromotionEnabled: true,
    scaleDownDelaySeconds: 30,
    abortScaleDownDelaySeconds: 30,
  });
  expect(result.rollout?.spec.strategy.canary).toBeUndefined();
});

test('every field of the strategy is accepted (previewService is optional, as in Argo)', () => {
  const analysis = { templates: [{ templateName: 'rate' }], args: [{ name: 'hash', valueFrom: { podTemplateHashValue: 'Latest' } }] };
  const doc = blueGreenRollout({
    activeService: 'a',
    autoPromotionSeconds: 30,
    previewReplicaCount: 1,
    prePromotionAnalysis: analysis,
    postPromotionAnalysis: analysis,
    scaleDownDelaySeconds: 60,
    scaleDownDelayRevisionLimit: 2,
    abortScaleDownDelaySeconds: 0,
  }, { replicas: 2 });
  expect(problemsOf(doc)).toEqual([]);
});

test.each<[string, Fields, Fields, string]>([
  ['missing activeService', { previewService: 'p' }, {}, 'spec.strategy.blueGreen.activeService: is required.'],
  ['activeService equal to previewService', { activeService: 'web', previewService: 'web' }, {}, 'spec.strategy.blueGreen.previewService: must differ from activeService (both are "web").'],
  ['previewReplicaCount above replicas', { activeService: 'a', previewReplicaCount: 4 }, { replicas: 3 }, 'spec.strategy.blueGreen.previewReplicaCount: is 4, more than spec.replicas (3).'],
  ['previewReplicaCount above the default replicas (1)', { activeService: 'a', previewReplicaCount: 2 }, {}, 'spec.strategy.blueGreen.previewReplicaCount: is 2, more than spec.replicas (1).'],
  [
    'autoPromotionSeconds with autoPromotionEnabled false',
    { activeService: 'a', autoPromotionEnabled: false, autoPromotionSeconds: 30 },
    {},
    'spec.strategy.blueGreen.autoPromotionSeconds: is set while autoPromotionEnabled is false: promotion waits for kanary promote, so remove one of the two.',
  ],
  ['a negative scaleDownDelaySeconds', { activeService: 'a', scaleDownDelaySeconds: -1 }, {}, 'spec.strategy.blueGreen.scaleDownDelaySeconds: must be at least 0, got -1.'],
])('%s is refused naming the field', (_name, blueGreen, spec, problem) => {
  const problems = problemsOf(blueGreenRollout(blueGreen, spec));
  expect(problems).toEqual([problem]);
  expect(validateRollout(blueGreenRollout(blueGreen, spec)).rollout).toBeUndefined();
});

test('both strategies, or neither, is refused at spec.strategy', () => {
  const both = rawRollout();
  (both.spec.strategy as Fields).blueGreen = { activeService: 'a', previewService: 'p' };
  expect(problemsOf(both)).toEqual(['spec.strategy: sets both canary and blueGreen: a Rollout has one strategy.']);
  const neither = rawRollout();
  neither.spec.strategy = {};
  expect(problemsOf(neither)).toEqual(['spec.strategy: must set canary or blueGreen.']);
});

test('activeMetadata and previewMetadata are accepted; a label that selects pods is refused', () => {
  expect(problemsOf(blueGreenRollout({ activeService: 'a', activeMetadata: { labels: { role: 'active' } }, previewMetadata: { labels: { role: 'preview' }, annotations: { a: 'b' } } }))).toEqual([]);
  expect(problemsOf(blueGreenRollout({ activeService: 'a', activeMetadata: { labels: { app: 'other' } }, previewMetadata: { labels: { 'rollouts-pod-template-hash': 'x' } } }))).toEqual([
    'spec.strategy.blueGreen.activeMetadata.labels.app: selects pods (the Rollout\'s selector or the pod-template hash): a role label must use another key.',
    'spec.strategy.blueGreen.previewMetadata.labels.rollouts-pod-template-hash: selects pods (the Rollout\'s selector or the pod-template hash): a role label must use another key.',
  ]);
});
