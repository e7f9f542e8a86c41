// Issue 17: canary.baseline as written: accepted with Ambassador routing and steps up to 50, bad
// input refused with a problem naming the field.
import { validateRollout } from '../../src/api/validate-rollout.js';
import { rawRollout } from './rollout-fixture.js';

type Fields = Record<string, unknown>;

function withBaseline(canary: Fields): Fields {
  const doc = rawRollout();
  const strategy = doc.spec.strategy as { canary: Fields };
  strategy.canary = { ...strategy.canary, steps: [{ setWeight: 20 }, { pause: {} }, { setWeight: 50 }], baseline: { service: 'demo-baseline' }, ...canary };
  return doc;
}

function problemsOf(doc: unknown): string[] {
  return validateRollout(doc).problems.map((p) => `${p.path}: ${p.message}`);
}

test('a baseline with Ambassador routing and steps up to 50 parses', () => {
  const result = validateRollout(withBaseline({}));
  expect(result.problems).toEqual([]);
  expect(result.rollout?.spec.strategy.canary?.baseline).toEqual({ service: 'demo-baseline' });
});

test.each([
  { name: 'without traffic routing', canary: { trafficRouting: undefined, canaryService: undefined, stableService: undefined }, problem: 'spec.strategy.canary.baseline: needs trafficRouting.ambassador' },
  { name: 'a step above 50', canary: { steps: [{ setWeight: 20 }, { setWeight: 60 }] }, problem: 'spec.strategy.canary.steps[1].setWeight: is 60: with a baseline' },
  { name: 'the canary Service as baseline Service', canary: { baseline: { service: 'demo-canary' } }, problem: 'spec.strategy.canary.baseline.service: must differ from canaryService and stableService' },
  { name: 'the stable Service as baseline Service', canary: { baseline: { service: 'demo-stable' } }, problem: 'spec.strategy.canary.baseline.service: must differ' },
  { name: 'no Service', canary: { baseline: {} }, problem: 'spec.strategy.canary.baseline.service' },
  { name: 'an unknown field', canary: { baseline: { service: 'demo-baseline', replicas: 2 } }, problem: 'spec.strategy.canary.baseline' },
])('refuses $name', ({ canary, problem }) => {
  const problems = problemsOf(withBaseline(canary));
  expect(problems).toHaveLength(1);
  expect(problems[0]).toContain(problem);
});
