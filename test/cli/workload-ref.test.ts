// spec.workloadRef in the CLI: `kanary lint` accepts it, `kanary get rollout` names the Deployment,
// and since such a Rollout has no template of its own, `kanary set image` (and `undo`) refuse it
// and name the Deployment to change instead.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as yaml from 'js-yaml';
import { UserError } from '../../src/cli/command.js';
import { lintSources } from '../../src/cli/lint-report.js';
import { buildRolloutView } from '../../src/cli/render-rollout-view.js';
import { renderRollout } from '../../src/cli/render-rollout.js';
import type { RolloutState } from '../../src/cli/rollout-tree.js';
import { PLAIN_STYLE } from '../../src/cli/terminal.js';
import { buildImagePatch } from '../../src/cli/set-image-command.js';
import type { RolloutObject } from '../../src/cli/rollout-client.js';
import { refuseWorkloadRef } from '../../src/cli/workload-ref-guard.js';

const following: RolloutObject = {
  metadata: { name: 'web', namespace: 'shop', resourceVersion: '42' },
  spec: { workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web-deploy' } },
};

test('set image on a Rollout that follows a Deployment is refused, naming the Deployment', () => {
  expect(() => buildImagePatch(following, [{ container: 'app', image: 'a:2' }])).toThrow(new UserError(
    'rollout "web" takes its pod template from deployment/web-deploy (spec.workloadRef): set the image (kubectl set image) on deployment/web-deploy instead; the Rollout runs the change as a new revision',
  ));
});

test('a Rollout with its own template passes the guard', () => {
  expect(() => refuseWorkloadRef({ metadata: { name: 'web' }, spec: { template: {} } }, 'roll back')).not.toThrow();
});

const ARGO_ROLLOUT = `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: web}
spec:
  replicas: 4
  selector: {matchLabels: {app: web}}
  workloadRef: {apiVersion: apps/v1, kind: Deployment, name: web, scaleDown: progressively}
  strategy:
    canary:
      steps: [{setWeight: 25}, {pause: {}}]
`;

test('kanary lint: an Argo Rollout that follows a Deployment has no error', () => {
  const result = lintSources([{ name: 'a.yaml', text: ARGO_ROLLOUT }]);
  expect(result.findings.filter((f) => f.severity === 'error')).toEqual([]);
});

test('kanary lint: workloadRef with a template is an error naming both', () => {
  const text = ARGO_ROLLOUT.replace('  strategy:', '  template: {metadata: {labels: {app: web}}, spec: {containers: [{name: app, image: x}]}}\n  strategy:');
  const errors = lintSources([{ name: 'a.yaml', text }]).findings.filter((f) => f.severity === 'error');
  expect(errors.map((f) => f.path)).toEqual(['spec.workloadRef']);
});

test('kanary get rollout: the header names the Deployment and its scaleDown', () => {
  const file = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'render', 'initial-deploy.state.yaml');
  const { now, ...state } = yaml.load(readFileSync(file, 'utf8')) as RolloutState & { now: string; rollout: { spec: Record<string, unknown> } };
  delete state.rollout.spec.template;
  state.rollout.spec.workloadRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'demo-web', scaleDown: 'progressively' };
  const text = renderRollout(buildRolloutView(state, Date.parse(now)), PLAIN_STYLE);
  expect(text).toContain('\nWorkload:         Deployment/demo-web (scaleDown progressively)\n');
});
