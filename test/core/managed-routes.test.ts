import type { CanaryStep } from '../../src/api/rollout.js';
import { validateRollout } from '../../src/api/validate-rollout.js';
import { describeJournalStep } from '../../src/core/journal-describe.js';
import { computeDesiredRoutes, type ManagedRoute } from '../../src/core/managed-routes.js';
import { deployed, hashOf, intent, reconcile, replicasOf, setImage, settle } from './canary-model.js';
import { rawRollout } from '../api/rollout-fixture.js';

const HEADER = (name: string, value = 'yes'): CanaryStep => ({ setHeaderRoute: { name, match: [{ headerName: 'X-Canary', headerValue: { exact: value } }] } });
const MIRROR = (name: string, percentage?: number): CanaryStep => ({ setMirrorRoute: { name, match: [{ method: { exact: 'GET' } }], ...(percentage !== undefined ? { percentage } : {}) } });
const REMOVE_HEADER = (name: string): CanaryStep => ({ setHeaderRoute: { name } });

const STEPS: CanaryStep[] = [
  { setWeight: 10 },
  HEADER('beta'),
  MIRROR('shadow', 25),
  { pause: {} },
  REMOVE_HEADER('beta'),
  { pause: {} },
];
const MANAGED = ['beta', 'shadow'];

function namesAt(stepIndex: number, overrides: { active?: boolean; steps?: CanaryStep[] } = {}): string[] {
  return computeDesiredRoutes({ steps: overrides.steps ?? STEPS, stepIndex, managedRoutes: MANAGED, active: overrides.active ?? true }).map((r) => r.name);
}

describe('computeDesiredRoutes', () => {
  test.each<[number, string[]]>([
    [0, []],
    [1, ['beta']],
    [2, ['beta', 'shadow']],
    [3, ['beta', 'shadow']],
    [4, ['shadow']],
    [5, ['shadow']],
    [6, []],
  ])('at step %i the routes in force are %j', (stepIndex, names) => {
    expect(namesAt(stepIndex)).toEqual(names);
  });

  test('none when aborted or promoted in full', () => {
    expect(namesAt(3, { active: false })).toEqual([]);
  });

  test('the order of managedRoutes is the precedence, the first the highest; a later step replaces a route', () => {
    const steps = [HEADER('beta', 'one'), MIRROR('shadow'), HEADER('beta', 'two')];
    const routes = computeDesiredRoutes({ steps, stepIndex: 2, managedRoutes: MANAGED, active: true });
    expect(routes).toEqual<ManagedRoute[]>([
      { kind: 'header', name: 'beta', precedence: 2, headers: [{ header: 'x-canary', type: 'exact', value: 'two' }] },
      { kind: 'mirror', name: 'shadow', precedence: 1, percentage: 100, matches: [{ method: { type: 'exact', value: 'GET' }, headers: [] }] },
    ]);
  });

  test('prefix and regex header values are kept with their kind', () => {
    const steps: CanaryStep[] = [{ setHeaderRoute: { name: 'beta', match: [{ headerName: 'user', headerValue: { prefix: 'qa-' } }, { headerName: 'agent', headerValue: { regex: '.*Firefox.*' } }] } }];
    const [route] = computeDesiredRoutes({ steps, stepIndex: 0, managedRoutes: ['beta'], active: true });
    expect(route).toMatchObject({ headers: [{ header: 'user', type: 'prefix', value: 'qa-' }, { header: 'agent', type: 'regex', value: '.*Firefox.*' }] });
  });
});

describe('planCanary with header and mirror routes', () => {
  const canary = { trafficRouting: { ambassador: { mappings: ['web'] }, managedRoutes: MANAGED.map((name) => ({ name })) } };

  /** v2 rolled out to the first pause, both routes set. */
  function atFirstPause() {
    const c = deployed({ steps: STEPS, canary });
    setImage(c, 'v2');
    settle(c);
    expect(c.rollout.status?.currentStepIndex).toBe(3);
    return { c };
  }

  test('each route step sets its route, completes once the router has it, and status lists what is set', () => {
    const { c } = atFirstPause();
    expect(c.routes.map((r) => [r.name, r.kind])).toEqual([['beta', 'header'], ['shadow', 'mirror']]);
    expect(c.rollout.status?.canary?.currentRoutes).toEqual([{ name: 'beta', kind: 'header' }, { name: 'shadow', kind: 'mirror' }]);
    intent(c, 'promote');
    settle(c);
    expect(c.rollout.status?.currentStepIndex).toBe(5);
    expect(c.routes.map((r) => r.name)).toEqual(['shadow']);
  });

  test('promotion past the last step removes every route', () => {
    const { c } = atFirstPause();
    intent(c, 'promoteFull');
    settle(c);
    expect(c.routes).toEqual([]);
    expect(c.rollout.status?.canary?.currentRoutes).toBeUndefined();
    expect(c.rollout.status?.stableRS).toBe(hashOf('v2'));
  });

  test('the end of the step list removes every route', () => {
    const { c } = atFirstPause();
    intent(c, 'promote');
    settle(c);
    intent(c, 'promote');
    settle(c);
    expect(c.rollout.status?.stableRS).toBe(hashOf('v2'));
    expect(c.routes).toEqual([]);
  });

  test('abort removes every route in its first reconcile, with the weight going to 0', () => {
    const { c } = atFirstPause();
    intent(c, 'abort');
    const first = reconcile(c);
    expect(first.actions.slice(0, 2)).toEqual([{ type: 'setCanaryWeight', weightPercent: 0 }, { type: 'setManagedRoutes', routes: [] }]);
    settle(c);
    expect(c.routes).toEqual([]);
    expect(c.rollout.status?.phase).toBe('Degraded');
  });

  test('a new revision mid-rollout takes the routes off the old canary, then sets them again as its steps reach them', () => {
    const { c } = atFirstPause();
    setImage(c, 'v3');
    const first = reconcile(c, { pods: false });
    expect(first.actions).toContainEqual({ type: 'setManagedRoutes', routes: [] });
    expect(c.routes).toEqual([]);
    settle(c);
    expect(c.rollout.status?.currentPodHash).toBe(hashOf('v3'));
    expect(c.rollout.status?.currentStepIndex).toBe(3);
    expect(c.routes.map((r) => r.name)).toEqual(['beta', 'shadow']);
  });

  test('at rest with routes set, a reconcile plans nothing', () => {
    const { c } = atFirstPause();
    expect(reconcile(c).actions).toEqual([]);
  });

  test('a header route at weight 0 keeps one canary pod, and is set only once that pod is available', () => {
    const c = deployed({ steps: [HEADER('beta'), { pause: {} }], canary });
    setImage(c, 'v2');
    settle(c);
    expect(replicasOf(c, 'v2')).toBe(1);
    expect(c.routes.map((r) => r.name)).toEqual(['beta']);
    expect(c.route).toBeNull();
  });
});

describe('validation of route steps', () => {
  function problemsOf(steps: unknown[], managedRoutes: unknown = [{ name: 'beta' }, { name: 'shadow' }]): string[] {
    const doc = rawRollout();
    const canaryDoc = (doc.spec.strategy as { canary: Record<string, unknown> }).canary;
    canaryDoc.steps = steps;
    if (managedRoutes === 'no trafficRouting') {
      delete canaryDoc.trafficRouting;
      delete canaryDoc.stableService;
      delete canaryDoc.canaryService;
    } else {
      (canaryDoc.trafficRouting as Record<string, unknown>).managedRoutes = managedRoutes;
    }
    return validateRollout(doc).problems.map((p) => `${p.path}: ${p.message}`);
  }
  const STEP = 'spec.strategy.canary.steps[0]';

  test('valid header and mirror steps, and removal steps, have no problem', () => {
    expect(problemsOf([HEADER('beta'), MIRROR('shadow', 10), REMOVE_HEADER('beta'), { setMirrorRoute: { name: 'shadow' } }])).toEqual([]);
  });

  test.each<[string, unknown, string]>([
    ['an empty header match', { setHeaderRoute: { name: 'beta', match: [] } }, `${STEP}.setHeaderRoute.match: is empty: list at least one match, or leave match out to remove the route.`],
    ['a header match without headerName', { setHeaderRoute: { name: 'beta', match: [{ headerValue: { exact: 'x' } }] } }, `${STEP}.setHeaderRoute.match[0].headerName: is required: a header route matches on a request header.`],
    ['a header match without headerValue', { setHeaderRoute: { name: 'beta', match: [{ headerName: 'x' }] } }, `${STEP}.setHeaderRoute.match[0].headerValue: is required: set exactly one of exact, prefix, regex.`],
    ['a header value with two kinds', { setHeaderRoute: { name: 'beta', match: [{ headerName: 'x', headerValue: { exact: 'a', prefix: 'b' } }] } }, `${STEP}.setHeaderRoute.match[0].headerValue: must set exactly one of exact, prefix, regex.`],
    ['a mirror share above 100', { setMirrorRoute: { name: 'shadow', percentage: 150, match: [{}] } }, `${STEP}.setMirrorRoute.percentage: must be between 0 and 100 (the share of matching requests mirrored), got 150.`],
    ['a mirror share below 0', { setMirrorRoute: { name: 'shadow', percentage: -1, match: [{}] } }, `${STEP}.setMirrorRoute.percentage: must be between 0 and 100 (the share of matching requests mirrored), got -1.`],
    ['a mirror path match', { setMirrorRoute: { name: 'shadow', match: [{ path: { prefix: '/api' } }] } }, `${STEP}.setMirrorRoute.match[0].path: is not supported by Kanary on Emissary: a mirror copies what the base Mapping's prefix matches; narrow it by method or headers.`],
    ['a route not in managedRoutes', { setHeaderRoute: { name: 'other', match: [{ headerName: 'x', headerValue: { exact: 'y' } }] } }, `${STEP}.setHeaderRoute.name: "other" is not listed in spec.strategy.canary.trafficRouting.managedRoutes: list every route the steps set there (the order is the precedence).`],
  ])('%s is refused naming the field', (_what, step, problem) => {
    expect(problemsOf([step])).toContain(problem);
  });

  test('a route step without trafficRouting is refused', () => {
    expect(problemsOf([{ setMirrorRoute: { name: 'shadow', match: [{}] } }], 'no trafficRouting')).toEqual([
      `${STEP}.setMirrorRoute: needs spec.strategy.canary.trafficRouting: header and mirror routes are set on the traffic router.`,
    ]);
  });

  test('managedRoutes names are DNS labels, each once', () => {
    expect(problemsOf([], [{ name: 'Beta_1' }, { name: 'x' }, { name: 'x' }])).toEqual([
      'spec.strategy.canary.trafficRouting.managedRoutes[0].name: "Beta_1" is not a valid route name: Kanary names Mappings after it, so use at most 63 lower-case letters, digits and \'-\', starting and ending with a letter or digit.',
      'spec.strategy.canary.trafficRouting.managedRoutes[2].name: "x" is listed twice: each managed route has one name.',
    ]);
  });
});

describe('route steps in the journal', () => {
  test.each<[CanaryStep, string]>([
    [HEADER('beta'), 'setHeaderRoute beta'],
    [REMOVE_HEADER('beta'), 'setHeaderRoute beta removed'],
    [MIRROR('shadow', 25), 'setMirrorRoute shadow 25%'],
    [MIRROR('shadow'), 'setMirrorRoute shadow 100%'],
    [{ setMirrorRoute: { name: 'shadow' } }, 'setMirrorRoute shadow removed'],
  ])('%j is described as %s', (step, text) => {
    expect(describeJournalStep(step)).toBe(text);
  });
});
