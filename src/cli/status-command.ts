/**
 * `kanary status NAME [--timeout D]`: streams the Rollout's phase changes, one line each, until it
 * is Healthy (exit 0) or Degraded (exit 1), or --timeout passes (exit 2). Usable as a CI gate.
 * Watches the Rollout; never polls.
 */
import { createSystemClock } from '../runtime/clock.js';
import type { CliIo, Command } from './command.js';
import { UserError } from './command.js';
import { COMMON_FLAGS_USAGE, parseVerbArgs, requireName } from './common-flags.js';
import { parseTimeoutMs } from './get-flags.js';
import { loadKubeConfig, resolveNamespace } from './kube-context.js';
import { RolloutClient, type RolloutObject } from './rollout-client.js';
import { NamespaceWatch, rolloutTargets } from './watch-namespace.js';
import { startWatchSession } from './watch-session.js';

const USAGE_LINE = 'kanary status NAME [--timeout D] [-n NS]';
const SYNC_TIMEOUT_MS = 30_000;

export const STATUS_EXIT = { healthy: 0, degraded: 1, timeout: 2 } as const;

const USAGE = `Usage: ${USAGE_LINE}

Prints the Rollout's phase (and message) each time it changes, and exits when it settles:
  0  Healthy (the controller has seen the latest spec and every step is done)
  1  Degraded (aborted, failed analysis, progress deadline, invalid spec) or deleted
  2  --timeout passed first

Flags:
      --timeout D      give up after D (e.g. 10m, 90s); default: wait as long as it takes
${COMMON_FLAGS_USAGE}

Example:
  kanary set image demo app=ghcr.io/acme/demo:1.5.0 && kanary status demo --timeout 15m
`;

export interface StatusLine {
  /** The line to print (without newline). */
  text: string;
  /** The exit code when the rollout has settled. */
  exitCode?: number;
}

/** What the Rollout's status says now (pure): a line and, when settled, the exit code. */
export function assessStatus(rollout: RolloutObject | undefined, name: string): StatusLine {
  if (!rollout) return { text: `rollout "${name}" was deleted`, exitCode: STATUS_EXIT.degraded };
  const status = (rollout.status ?? {}) as { phase?: string; message?: string; observedGeneration?: number };
  const generation = rollout.metadata?.generation;
  if (generation !== undefined && status.observedGeneration !== generation) {
    return { text: `waiting for the controller to observe generation ${generation}` };
  }
  const phase = status.phase ?? 'Unknown';
  const text = status.message ? `${phase} - ${status.message}` : phase;
  if (phase === 'Healthy') return { text, exitCode: STATUS_EXIT.healthy };
  return phase === 'Degraded' ? { text, exitCode: STATUS_EXIT.degraded } : { text };
}

interface StatusArgs {
  name: string;
  timeoutMs?: number;
  flags: { namespace?: string; context?: string; kubeconfig?: string };
}

export function parseStatusArgs(argv: string[]): StatusArgs {
  const { values, positionals } = parseVerbArgs('status', argv, { timeout: { type: 'string' } });
  const name = requireName('status', positionals, USAGE_LINE);
  const timeoutMs = parseTimeoutMs('status', values.timeout as string | undefined);
  return {
    name, ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    flags: { namespace: values.namespace as string | undefined, context: values.context as string | undefined, kubeconfig: values.kubeconfig as string | undefined },
  };
}

async function follow(io: CliIo, ctx: { args: StatusArgs; namespace: string; watchOf: (onChange: () => void) => NamespaceWatch }): Promise<number> {
  const clock = createSystemClock();
  const session = startWatchSession({ clock, ...(ctx.args.timeoutMs !== undefined ? { timeoutMs: ctx.args.timeoutMs } : {}) });
  let last: string | undefined;
  let exitCode: number | undefined;
  let synced = false;
  const check = () => {
    if (!synced) return; // during the first list the cache is still filling up
    const rollout = watch.objects().rollouts.find((r) => r.metadata?.name === ctx.args.name);
    const line = assessStatus(rollout, ctx.args.name);
    if (line.text !== last) io.stdout(`${line.text}\n`);
    last = line.text;
    if (line.exitCode !== undefined && exitCode === undefined) {
      exitCode = line.exitCode;
      session.finish();
    }
  };
  const watch = ctx.watchOf(() => check());
  try {
    if (!(await watch.start(SYNC_TIMEOUT_MS))) throw new UserError(`status: the rollout watch did not start within ${SYNC_TIMEOUT_MS / 1000}s`);
    synced = true;
    check();
    const reason = await session.ended;
    if (exitCode !== undefined) return exitCode;
    if (reason === 'interrupt') return 130;
    io.stderr(`kanary: timed out waiting for rollout "${ctx.args.name}" to become Healthy (last: ${last ?? 'unknown'})\n`);
    return STATUS_EXIT.timeout;
  } finally {
    session.dispose();
    await watch.stop();
  }
}

export const statusCommand: Command = {
  name: 'status',
  summary: 'follow a rollout until Healthy (exit 0), Degraded (1) or --timeout (2)',
  usage: USAGE,
  async run(argv, io) {
    const args = parseStatusArgs(argv);
    const kc = loadKubeConfig(args.flags, io.env);
    const namespace = resolveNamespace(kc, args.flags.namespace);
    await new RolloutClient(kc).get(namespace, args.name);
    const watchOf = (onChange: () => void) => new NamespaceWatch({ kubeConfig: kc, targets: rolloutTargets(namespace), onChange });
    return follow(io, { args, namespace, watchOf });
  },
};
