/**
 * `kanary get rollout NAME [-w] [--timeout D] [-o json|yaml]`: the header and tree of one Rollout.
 * With -w the screen is redrawn in place from watches (never polling) at most ~5 times a second,
 * until Ctrl-C or --timeout.
 */
import type * as k8s from '@kubernetes/client-node';
import { createSystemClock, type Clock } from '../runtime/clock.js';
import type { CliIo, Command } from './command.js';
import { UserError } from './command.js';
import { COMMON_FLAGS_USAGE, parseVerbArgs } from './common-flags.js';
import { formatStructured, parseOutputFormat, parseTimeoutMs, type OutputFormat } from './get-flags.js';
import { loadKubeConfig, resolveNamespace } from './kube-context.js';
import { buildRolloutView } from './render-rollout-view.js';
import { renderRollout } from './render-rollout.js';
import { RolloutClient } from './rollout-client.js';
import { baseMappingNames, fetchRolloutState, mappingApiVersion, selectRolloutState, type RolloutState } from './rollout-tree.js';
import { detectStyle, type TerminalStyle } from './terminal.js';
import { rolloutTreeTargets } from './watch-namespace.js';
import { runWatchScreen } from './watch-screen.js';

const USAGE_LINE = 'kanary get rollout NAME [-w] [--timeout D] [-o json|yaml] [-n NS]';

const USAGE = `Usage: ${USAGE_LINE}

Shows one Rollout: status, current step and what it waits for, SetWeight against the weight the
canary Mapping actually carries, images, replica counts, and the tree of revisions, ReplicaSets,
pods and AnalysisRuns (with each metric's latest value against its condition).

Flags:
  -w, --watch          redraw on every change until Ctrl-C
      --timeout D      with -w: stop after D (e.g. 90s, 10m)
  -o, --output FORMAT  json or yaml: the same facts as data
${COMMON_FLAGS_USAGE}

Colours and Unicode icons on a terminal; plain ASCII when piped or with NO_COLOR set.

Example:
  kanary get rollout demo -n shop -w
`;

const KINDS = new Set(['rollout', 'rollouts', 'ro']);

interface GetArgs {
  name: string;
  watch: boolean;
  timeoutMs?: number;
  output: OutputFormat;
  namespace?: string;
  context?: string;
  kubeconfig?: string;
}

/** Parses `get` arguments; mistakes are one-line UserErrors. */
export function parseGetArgs(argv: string[]): GetArgs {
  const { values, positionals } = parseVerbArgs('get', argv, {
    watch: { type: 'boolean', short: 'w' },
    timeout: { type: 'string' },
    output: { type: 'string', short: 'o' },
  });
  const [kind, name, ...rest] = positionals;
  if (kind === undefined || !KINDS.has(kind) || name === undefined || rest.length > 0) throw new UserError(`usage: ${USAGE_LINE}`);
  const timeoutMs = parseTimeoutMs('get', values.timeout as string | undefined);
  if (timeoutMs !== undefined && values.watch !== true) throw new UserError('get: --timeout goes with -w');
  return {
    name, watch: values.watch === true, output: parseOutputFormat('get', values.output as string | undefined),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    namespace: values.namespace as string | undefined, context: values.context as string | undefined,
    kubeconfig: values.kubeconfig as string | undefined,
  };
}

interface Screen {
  output: OutputFormat;
  style: TerminalStyle;
  clock: Clock;
}

function screenOf(state: RolloutState | undefined, screen: Screen, where: { name: string; namespace: string }): string {
  if (!state) return `rollout "${where.name}" not found in namespace "${where.namespace}" (deleted?); still watching\n`;
  const view = buildRolloutView(state, screen.clock.now());
  return screen.output === 'text' ? renderRollout(view, screen.style) : formatStructured(view, screen.output);
}

interface WatchContext {
  kc: k8s.KubeConfig;
  io: CliIo;
  args: GetArgs;
  namespace: string;
  screen: Screen;
  mappingVersion: string | undefined;
}

async function watchRollout(ctx: WatchContext): Promise<number> {
  const { io, args, namespace, screen } = ctx;
  await runWatchScreen({
    kubeConfig: ctx.kc, clock: screen.clock, write: (text) => io.stdout(text), inPlace: io.isTty && args.output === 'text',
    targets: rolloutTreeTargets(namespace, args.name, ctx.mappingVersion),
    render: (objects) => screenOf(selectRolloutState(objects, args.name), screen, { name: args.name, namespace }),
    ...(args.timeoutMs !== undefined ? { timeoutMs: args.timeoutMs } : {}),
    ...(args.output === 'text' ? { tickMs: 1000 } : {}),
    what: `get: the watches on namespace "${namespace}"`,
  });
  return 0;
}

export const getCommand: Command = {
  name: 'get',
  summary: 'show a rollout: status, step, weights, images, revisions tree (-w to watch)',
  usage: USAGE,
  async run(argv, io) {
    const args = parseGetArgs(argv);
    const kc = loadKubeConfig({ kubeconfig: args.kubeconfig, context: args.context }, io.env);
    const namespace = resolveNamespace(kc, args.namespace);
    const client = new RolloutClient(kc);
    const screen: Screen = { output: args.output, style: detectStyle(io.isTty, io.env), clock: createSystemClock() };
    const state = await fetchRolloutState(client, namespace, args.name);
    if (!args.watch) {
      io.stdout(screenOf(state, screen, { name: args.name, namespace }));
      return 0;
    }
    // Mappings in a version the cluster serves (any holds the same objects), else the Rollout's own.
    const routed = baseMappingNames(state.rollout).length > 0;
    const served = routed ? await (await import('../traffic/mapping-read-version.js')).servedMappingReadVersion(kc).catch(() => undefined) : undefined;
    const mappingVersion = routed ? served ?? mappingApiVersion(state.rollout).split('/')[1] : undefined;
    return watchRollout({ kc, io, args, namespace, screen, mappingVersion });
  },
};
