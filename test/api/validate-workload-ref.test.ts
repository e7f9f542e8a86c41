// spec.workloadRef (Argo's field): a Rollout takes its pod template from an apps/v1 Deployment
// instead of spec.template; exactly one of the two, and no other kind.
import { validateRollout } from '../../src/api/validate-rollout.js';
import { rawRollout } from './rollout-fixture.js';

type Doc = ReturnType<typeof rawRollout>;

function withRef(ref: Record<string, unknown>, keepTemplate = false): Doc {
  const doc = rawRollout();
  doc.spec.workloadRef = ref;
  if (!keepTemplate) delete doc.spec.template;
  return doc;
}

const lines = (doc: Doc) => validateRollout(doc).problems.map((p) => `${p.path}: ${p.message}`);
const ONLY_DEPLOYMENT = 'Kanary follows only a Deployment (apiVersion apps/v1, kind Deployment).';

test('a workloadRef to a Deployment without spec.template is valid; scaleDown defaults to never', () => {
  const result = validateRollout(withRef({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }));
  expect(result.problems).toEqual([]);
  expect(result.rollout?.spec.workloadRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', scaleDown: 'never' });
  expect(result.rollout?.spec.template).toBeUndefined();
});

test.each(['never', 'onsuccess', 'progressively'])('scaleDown %s is accepted', (scaleDown) => {
  expect(lines(withRef({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', scaleDown }))).toEqual([]);
});

test.each<[string, Record<string, unknown>, boolean, string[]]>([
  ['workloadRef together with template', { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, true,
    ['spec.workloadRef: is set together with spec.template: the pod template comes from one of them; remove spec.template to follow the Deployment, or spec.workloadRef to keep the template here.']],
  ['another kind', { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web' }, false, [`spec.workloadRef.kind: is "StatefulSet": ${ONLY_DEPLOYMENT}`]],
  ['another apiVersion', { apiVersion: 'extensions/v1beta1', kind: 'Deployment', name: 'web' }, false, [`spec.workloadRef.apiVersion: is "extensions/v1beta1": ${ONLY_DEPLOYMENT}`]],
])('%s is refused by name', (_name, ref, keepTemplate, expected) => {
  expect(lines(withRef(ref, keepTemplate))).toEqual(expected);
});

test('an unknown scaleDown names the allowed values', () => {
  const problems = lines(withRef({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', scaleDown: 'sometimes' }));
  expect(problems).toHaveLength(1);
  expect(problems[0]).toMatch(/^spec\.workloadRef\.scaleDown: .*never.*onsuccess.*progressively/);
});

test('a missing name is reported at its path', () => {
  expect(lines(withRef({ apiVersion: 'apps/v1', kind: 'Deployment' }))[0]).toMatch(/^spec\.workloadRef\.name: /);
});

test('neither template nor workloadRef: spec.template is required, with the alternative named', () => {
  const doc = rawRollout();
  delete doc.spec.template;
  expect(lines(doc)).toEqual(['spec.template: is required: set the pod template, or name a Deployment in spec.workloadRef.']);
});
