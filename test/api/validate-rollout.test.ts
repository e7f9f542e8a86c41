import { selectorMatchesLabels, validateRollout } from '../../src/api/validate-rollout.js';
import { rawRollout } from './rollout-fixture.js';

type Raw = ReturnType<typeof rawRollout>;
type Canary = Record<string, unknown>;

function canaryOf(raw: Raw): Canary {
  return (raw.spec.strategy as { canary: Canary }).canary;
}

function withCanary(change: (canary: Canary) => void): Raw {
  const raw = rawRollout();
  change(canaryOf(raw));
  return raw;
}

function withSpec(change: (spec: Raw['spec']) => void): Raw {
  const raw = rawRollout();
  change(raw.spec);
  return raw;
}

describe('validateRollout', () => {
  test('a valid Rollout has no problems and comes back with defaults', () => {
    const result = validateRollout(rawRollout());
    expect(result.problems).toEqual([]);
    expect(result.rollout?.spec.replicas).toBe(1);
  });

  test.each<[string, Raw, string, string]>([
    ['setWeight above 100', withCanary((c) => { c.steps = [{ setWeight: 101 }]; }), 'spec.strategy.canary.steps[0].setWeight', 'must be at most 100, got 101.'],
    ['setWeight below 0', withCanary((c) => { c.steps = [{ setWeight: -1 }]; }), 'spec.strategy.canary.steps[0].setWeight', 'must be at least 0, got -1.'],
    ['wrong type', withSpec((s) => { s.replicas = 'three'; }), 'spec.replicas', 'must be a number, not the string "three".'],
    ['unknown field with a typo', withSpec((s) => { s.replica = 3; }), 'spec.replica', 'unknown field (did you mean "replicas"?).'],
    ['missing selector', withSpec((s) => { delete s.selector; }), 'spec.selector', 'is required.'],
    ['empty mappings', withCanary((c) => { c.trafficRouting = { ambassador: { mappings: [] } }; }), 'spec.strategy.canary.trafficRouting.ambassador.mappings', 'must list at least 1 item.'],
    ['maxSurge of the wrong type', withCanary((c) => { c.maxSurge = true; }), 'spec.strategy.canary.maxSurge', 'must be a number or a string, not true.'],
  ])('schema: %s', (_rule, raw, path, message) => {
    const result = validateRollout(raw);
    expect(result.rollout).toBeUndefined();
    expect(result.problems).toContainEqual({ path, message });
  });

  test.each<[string, Raw, string, string]>([
    ['two kinds in one step', withCanary((c) => { c.steps = [{ setWeight: 10, pause: {} }]; }), 'spec.strategy.canary.steps[0]', 'sets setWeight and pause'],
    ['an empty step', withCanary((c) => { c.steps = [{}]; }), 'spec.strategy.canary.steps[0]', 'is empty'],
    ['a bad pause duration', withCanary((c) => { c.steps = [{ pause: { duration: '5x' } }]; }), 'spec.strategy.canary.steps[0].pause.duration', '"5x" is not a duration'],
    ['selector not matching template labels', withSpec((s) => { s.selector = { matchLabels: { app: 'other' } }; }), 'spec.selector', 'does not match the labels'],
    ['empty selector', withSpec((s) => { s.selector = {}; }), 'spec.selector', 'must not be empty'],
    ['same stable and canary Service', withCanary((c) => { c.canaryService = 'demo-stable'; }), 'spec.strategy.canary.canaryService', 'must differ from stableService'],
    ['stableService missing with trafficRouting', withCanary((c) => { delete c.stableService; }), 'spec.strategy.canary.stableService', 'is required with trafficRouting'],
    ['canaryService missing with trafficRouting', withCanary((c) => { delete c.canaryService; }), 'spec.strategy.canary.canaryService', 'is required with trafficRouting'],
    ['maxSurge and maxUnavailable both 0', withCanary((c) => { c.maxSurge = 0; c.maxUnavailable = '0%'; }), 'spec.strategy.canary.maxUnavailable', 'cannot both be 0'],
    ['maxSurge not a percentage', withCanary((c) => { c.maxSurge = 'lots'; }), 'spec.strategy.canary.maxSurge', 'must be an integer or a percentage'],
    ['setCanaryScale with two fields', withCanary((c) => { c.steps = [{ setCanaryScale: { replicas: 1, weight: 5 } }]; }), 'spec.strategy.canary.steps[0].setCanaryScale', 'exactly one of replicas'],
    ['setCanaryScale without traffic routing', withCanary((c) => { delete c.trafficRouting; c.steps = [{ setCanaryScale: { replicas: 1 } }]; }), 'spec.strategy.canary.steps[0].setCanaryScale', 'needs spec.strategy.canary.trafficRouting'],
    ['startingStep past the steps', withCanary((c) => { c.analysis = { templates: [{ templateName: 'a' }], startingStep: 9 }; }), 'spec.strategy.canary.analysis.startingStep', 'only 4 steps'],
  ])('semantics: %s', (_rule, raw, path, fragment) => {
    const result = validateRollout(raw);
    expect(result.rollout).toBeUndefined();
    expect(result.problems).toContainEqual({ path, message: expect.stringContaining(fragment) });
  });

  test('maxSurge 0 alone is valid (maxUnavailable keeps its default)', () => {
    expect(validateRollout(withCanary((c) => { c.maxSurge = 0; })).problems).toEqual([]);
  });

  test('without traffic routing the Services are optional', () => {
    const raw = withCanary((c) => { delete c.trafficRouting; delete c.stableService; delete c.canaryService; });
    expect(validateRollout(raw).problems).toEqual([]);
  });

  test('every problem is one sentence ending with a full stop', () => {
    const raw = withCanary((c) => { c.steps = [{ setWeight: 10, pause: {} }, { pause: { duration: '5x' } }]; c.canaryService = 'demo-stable'; });
    const { problems } = validateRollout(raw);
    expect(problems.length).toBe(3);
    for (const problem of problems) expect(problem.message).toMatch(/^[^\n]+\.$/);
  });

  test.each([null, 'text', 42, []])('a non-object (%p) is one problem, not a throw', (raw) => {
    const { problems } = validateRollout(raw);
    expect(problems.length).toBeGreaterThan(0);
  });
});

describe('selectorMatchesLabels', () => {
  const labels = { app: 'demo', tier: 'web' };
  test.each([
    ['matchLabels subset', { matchLabels: { app: 'demo' } }, true],
    ['matchLabels mismatch', { matchLabels: { app: 'x' } }, false],
    ['In', { matchExpressions: [{ key: 'tier', operator: 'In' as const, values: ['web', 'api'] }] }, true],
    ['NotIn', { matchExpressions: [{ key: 'tier', operator: 'NotIn' as const, values: ['web'] }] }, false],
    ['Exists', { matchExpressions: [{ key: 'app', operator: 'Exists' as const }] }, true],
    ['DoesNotExist', { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' as const }] }, false],
  ])('%s', (_rule, selector, expected) => {
    expect(selectorMatchesLabels(selector, labels)).toBe(expected);
  });
});
