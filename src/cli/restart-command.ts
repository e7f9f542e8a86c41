/**
 * `kanary restart NAME [--at TIME]`: sets spec.restartAt (Argo's field) with one merge patch of the
 * spec. The controller then evicts every pod created before that time, at most maxUnavailable at a
 * time, and its ReplicaSets replace them; the release in progress (step, weight) is not touched.
 */
import type { Command } from './command.js';
import { UserError } from './command.js';
import { COMMON_FLAGS_USAGE, parseVerbArgs, requireName } from './common-flags.js';
import { loadKubeConfig, resolveNamespace } from './kube-context.js';
import { RolloutClient } from './rollout-client.js';

const USAGE_LINE = 'kanary restart NAME [--at TIME] [-n NS]';

const USAGE = `Usage: ${USAGE_LINE}

Replaces every pod of the Rollout that was created before now (or --at TIME, RFC 3339: a scheduled
restart), by eviction, at most maxUnavailable at a time; PodDisruptionBudgets are honoured. The
release in progress keeps its step and weight. status.restartedAt shows when it is done.

Flags:
  --at TIME   restart at this RFC 3339 time instead of now (e.g. 2026-12-08T02:00:00Z)
${COMMON_FLAGS_USAGE}

Example:
  kanary restart demo -n shop
`;

/** Now (or `at`) as RFC 3339 UTC with whole seconds, as Argo Rollouts writes it. */
export function computeRestartAt(at: string | undefined, now: Date): string {
  const time = at === undefined ? now : new Date(at);
  if (Number.isNaN(time.getTime())) throw new UserError(`restart: --at "${at}" is not an RFC 3339 time`);
  return `${time.toISOString().slice(0, 19)}Z`;
}

export const restartCommand: Command = {
  name: 'restart',
  summary: 'replace every pod of a rollout (spec.restartAt), maxUnavailable at a time',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseVerbArgs('restart', argv, { at: { type: 'string' } });
    const name = requireName('restart', positionals, USAGE_LINE);
    const restartAt = computeRestartAt(values.at as string | undefined, new Date());
    const kc = loadKubeConfig({ kubeconfig: values.kubeconfig as string | undefined, context: values.context as string | undefined }, io.env);
    const namespace = resolveNamespace(kc, values.namespace as string | undefined);
    const client = new RolloutClient(kc);
    await client.get(namespace, name);
    await client.patch({ namespace, name, subresource: 'spec' }, { spec: { restartAt } });
    io.stdout(`rollout "${name}" restarting: pods created before ${restartAt} will be replaced\n`);
    return 0;
  },
};
