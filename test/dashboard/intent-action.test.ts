import { UserError } from '../../src/cli/command.js';
import { buildIntentArgs, describeIntentError } from '../../src/dashboard/intent-action.js';
import { ForbiddenError } from '../../src/kube/errors.js';

test.each([
  ['promote', ['web', '-n', 'shop']],
  ['promoteFull', ['web', '-n', 'shop', '--full']],
  ['abort', ['web', '-n', 'shop']],
] as const)('%s runs the CLI verb with the same flags', (verb, args) => {
  expect(buildIntentArgs(verb, { namespace: 'shop', name: 'web' }, {})).toEqual(args);
});

test('the dashboard\'s kubeconfig and context are passed on', () => {
  expect(buildIntentArgs('pause', { namespace: 'shop', name: 'web' }, { kubeconfig: '/k', context: 'c' }))
    .toEqual(['web', '-n', 'shop', '--kubeconfig', '/k', '--context', 'c']);
});

test('errors keep the API server\'s words and status', () => {
  const forbidden = new ForbiddenError('patch rollouts/status shop/web: rollouts.kanary.dev "web" is forbidden', { verb: 'patch', resource: 'rollouts/status' });
  expect(describeIntentError(forbidden)).toEqual({ ok: false, statusCode: 403, message: forbidden.message });
  expect(describeIntentError(new UserError('rollout "web" is already paused'))).toEqual({ ok: false, statusCode: 409, message: 'rollout "web" is already paused' });
  expect(describeIntentError(new UserError('cannot reach the Kubernetes API server at x'))).toMatchObject({ statusCode: 502 });
  expect(describeIntentError(new Error('boom'))).toEqual({ ok: false, statusCode: 500, message: 'boom' });
});
