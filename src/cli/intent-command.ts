/**
 * promote, abort, retry and pause: each reads the Rollout, checks there is something to do, and
 * sends ONE merge patch of intent (computeIntentPatch in src/core), then prints one line.
 */
import { rolloutSchema, type Rollout } from '../api/rollout.js';
import { computeIntentPatch, type IntentVerb } from '../core/intent-patches.js';
import { ConflictError } from '../kube/errors.js';
import type { Command } from './command.js';
import { UserError } from './command.js';
import { COMMON_FLAGS_USAGE, parseVerbArgs, requireName } from './common-flags.js';
import { loadKubeConfig, resolveNamespace } from './kube-context.js';
import { RolloutClient, type RolloutObject } from './rollout-client.js';

function parseRollout(raw: RolloutObject, name: string): Rollout {
  const parsed = rolloutSchema.safeParse(raw);
  if (!parsed.success) throw new UserError(`rollout "${name}" has an invalid spec; run \`kanary get rollout ${name}\` to see why`);
  return parsed.data;
}

function isCompleted(rollout: Rollout): boolean {
  const status = rollout.status;
  return status?.phase === 'Healthy' && status.stableRS !== undefined && status.stableRS === status.currentPodHash;
}

/** Why there is nothing to do, or undefined when the verb applies. */
function checkPromote(rollout: Rollout, name: string): string | undefined {
  if (rollout.status?.abort) return `rollout "${name}" is aborted: run \`kanary retry ${name}\` to start its steps again`;
  return isCompleted(rollout) ? `rollout "${name}" is Healthy: there is nothing to promote` : undefined;
}

function checkAbort(rollout: Rollout, name: string): string | undefined {
  if (rollout.status?.abort) return `rollout "${name}" is already aborted`;
  return isCompleted(rollout) ? `rollout "${name}" is fully promoted (Healthy): there is nothing to abort` : undefined;
}

export function checkIntentApplies(verb: IntentVerb, rollout: Rollout): string | undefined {
  const name = rollout.metadata.name;
  switch (verb) {
    case 'promote':
    case 'promoteFull':
      return checkPromote(rollout, name);
    case 'abort':
      return checkAbort(rollout, name);
    case 'retry':
      return rollout.status?.abort ? undefined : `rollout "${name}" is not aborted: there is nothing to retry`;
    default:
      return rollout.spec.paused ? `rollout "${name}" is already paused` : undefined;
  }
}

function describePromote(rollout: Rollout, name: string): string {
  const steps = rollout.spec.strategy.canary?.steps?.length ?? 0;
  const step = rollout.status?.currentStepIndex ?? 0;
  if (rollout.spec.paused) return `rollout "${name}" resumed (spec.paused cleared)`;
  return step < steps ? `rollout "${name}" promoted: step ${step + 1}/${steps} done, moving on` : `rollout "${name}" promoted`;
}

/** Blue/green has no steps: what each verb does there. */
function describeBlueGreenDone(verb: IntentVerb, name: string): string | undefined {
  switch (verb) {
    case 'promote':
      return `rollout "${name}" promoted: the promotion pause is over (analysis still has to pass)`;
    case 'promoteFull':
      return `rollout "${name}" fully promoted: skipping analysis and the pause, the active Service switches once the new pods are available`;
    case 'abort':
      return `rollout "${name}" aborted: the active Service goes back to the stable revision`;
    case 'retry':
      return `rollout "${name}" retried: the new revision starts again behind the preview Service`;
    default:
      return undefined;
  }
}

function describeDone(verb: IntentVerb, rollout: Rollout): string {
  const name = rollout.metadata.name;
  const blueGreen = rollout.spec.strategy.blueGreen !== undefined && !rollout.spec.paused ? describeBlueGreenDone(verb, name) : undefined;
  if (blueGreen !== undefined) return blueGreen;
  switch (verb) {
    case 'promote':
      return describePromote(rollout, name);
    case 'promoteFull':
      return `rollout "${name}" fully promoted: skipping the remaining steps`;
    case 'abort':
      return `rollout "${name}" aborted: traffic goes back to stable`;
    case 'retry':
      return `rollout "${name}" retried: steps restart from the first`;
    default:
      return `rollout "${name}" paused`;
  }
}

async function sendIntent(client: RolloutClient, target: { namespace: string; name: string }, verb: IntentVerb): Promise<Rollout> {
  for (let attempt = 0; ; attempt += 1) {
    const rollout = parseRollout(await client.get(target.namespace, target.name), target.name);
    const nothing = checkIntentApplies(verb, rollout);
    if (nothing) throw new UserError(nothing);
    const patch = computeIntentPatch(verb, rollout);
    const body = patch.conditional ? { ...patch.body, metadata: { resourceVersion: rollout.metadata.resourceVersion } } : patch.body;
    try {
      await client.patch({ ...target, subresource: patch.target }, body);
      return rollout;
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt >= 4) throw error;
    }
  }
}

interface IntentSpec {
  name: string;
  summary: string;
  description: string;
}

function buildIntentCommand(spec: IntentSpec, verbOf: (full: boolean) => IntentVerb): Command {
  const usageLine = spec.name === 'promote' ? 'kanary promote NAME [--full] [-n NS]' : `kanary ${spec.name} NAME [-n NS]`;
  return {
    name: spec.name,
    summary: spec.summary,
    usage: `Usage: ${usageLine}

${spec.description}

Flags:
${spec.name === 'promote' ? '      --full           skip the remaining steps and promote at once\n' : ''}${COMMON_FLAGS_USAGE}

Example:
  kanary ${spec.name} demo -n shop
`,
    async run(argv, io) {
      const extra: Record<string, { type: 'boolean' }> = spec.name === 'promote' ? { full: { type: 'boolean' } } : {};
      const { values, positionals } = parseVerbArgs(spec.name, argv, extra);
      const name = requireName(spec.name, positionals, usageLine);
      const kc = loadKubeConfig({ kubeconfig: values.kubeconfig as string | undefined, context: values.context as string | undefined }, io.env);
      const namespace = resolveNamespace(kc, values.namespace as string | undefined);
      const verb = verbOf((values as { full?: boolean }).full === true);
      const rollout = await sendIntent(new RolloutClient(kc), { namespace, name }, verb);
      io.stdout(`${describeDone(verb, rollout)}\n`);
      return 0;
    },
  };
}

export const promoteCommand = buildIntentCommand(
  { name: 'promote', summary: 'move a paused rollout to its next step (--full: to the end)', description: 'Ends the current pause (or the inconclusive-analysis pause) so the controller moves to the next step.' },
  (full) => (full ? 'promoteFull' : 'promote'),
);
export const abortCommand = buildIntentCommand(
  { name: 'abort', summary: 'abort a rollout: canary traffic back to stable at once', description: 'Marks the rollout aborted: the controller sets the canary weight to 0 at once and scales the canary down after abortScaleDownDelaySeconds.' },
  () => 'abort',
);
export const retryCommand = buildIntentCommand(
  { name: 'retry', summary: 'restart an aborted rollout from its first step', description: 'Clears the abort: the controller restarts the steps from the first, with fresh analysis runs.' },
  () => 'retry',
);
export const pauseCommand = buildIntentCommand(
  { name: 'pause', summary: 'pause a rollout where it stands (promote resumes it)', description: 'Sets spec.paused: steps stop advancing until `kanary promote`.' },
  () => 'pause',
);
