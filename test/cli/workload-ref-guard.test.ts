// A Rollout with spec.workloadRef has no template of its own: `kanary set image` (and `undo`)
// refuse it and name the Deployment to change instead.
import { UserError } from '../../src/cli/command.js';
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
