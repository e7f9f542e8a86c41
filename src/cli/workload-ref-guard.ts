/**
 * A Rollout with spec.workloadRef has no pod template of its own: the verbs that patch
 * spec.template (set image, undo) refuse it and say where the template lives.
 */
import { UserError } from './command.js';

interface RolloutLike {
  metadata?: { name?: string };
  spec?: Record<string, unknown>;
}

/** Throws a UserError naming the Deployment when the Rollout follows one. */
export function refuseWorkloadRef(rollout: RolloutLike, what: string): void {
  const ref = rollout.spec?.['workloadRef'] as { kind?: string; name?: string } | undefined;
  if (ref === undefined) return;
  const target = `${(ref.kind ?? 'Deployment').toLowerCase()}/${ref.name ?? '?'}`;
  throw new UserError(`rollout "${rollout.metadata?.name ?? ''}" takes its pod template from ${target} (spec.workloadRef): ${what} on ${target} instead; the Rollout runs the change as a new revision`);
}
