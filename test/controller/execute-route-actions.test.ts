import type { Rollout } from '../../src/api/rollout.js';
import { executeActions, type ActionExecutor } from '../../src/controller/execute-actions.js';
import { ConflictError, TransientError } from '../../src/kube/errors.js';
import { TrafficRoutingError, TrafficWriteError, type TrafficRouter } from '../../src/traffic/traffic-router.js';

const rollout = { metadata: { name: 'demo', namespace: 'team-a' }, spec: {} } as unknown as Rollout;

function executorFailingWith(error: unknown): ActionExecutor {
  const router: TrafficRouter = {
    observe: () => ({ canaryRoute: null }),
    validate: () => [],
    setCanaryWeight: () => Promise.reject(error),
    removeCanaryRoute: () => Promise.reject(error),
    setManagedRoutes: () => Promise.reject(error),
  };
  return { router, clients: {} as ActionExecutor['clients'], events: { record: () => Promise.resolve() } as unknown as ActionExecutor['events'], buildAnalysisRun: () => { throw new Error('unused'); } };
}

test('an API failure of a route write says which write failed and why', async () => {
  const cause = new TransientError('create mappings team-a/demo-canary: conversion webhook for getambassador.io/v3alpha1, Kind=Mapping failed: EOF', 500);
  const failure = executeActions(executorFailingWith(cause), rollout, [{ type: 'setCanaryWeight', weightPercent: 30 }]);
  await expect(failure).rejects.toThrow(TrafficWriteError);
  await expect(failure).rejects.toThrow('setting the canary weight to 30% failed: create mappings team-a/demo-canary: conversion webhook for getambassador.io/v3alpha1, Kind=Mapping failed: EOF; retrying');
  await expect(executeActions(executorFailingWith(cause), rollout, [{ type: 'removeCanaryRoute' }])).rejects.toThrow('removing the canary route failed');
  await expect(executeActions(executorFailingWith(cause), rollout, [{ type: 'setManagedRoutes', routes: [] }])).rejects.toThrow('setting the header and mirror routes failed');
});

test('a stale-cache conflict stays a conflict (requeued at once) and a routing problem stays one', async () => {
  const conflict = new ConflictError('stale', 'Conflict');
  await expect(executeActions(executorFailingWith(conflict), rollout, [{ type: 'setCanaryWeight', weightPercent: 30 }])).rejects.toBe(conflict);
  const problem = new TrafficRoutingError(['Mapping team-a/demo not found']);
  await expect(executeActions(executorFailingWith(problem), rollout, [{ type: 'setCanaryWeight', weightPercent: 30 }])).rejects.toBe(problem);
});
