/** `kanary list rollouts [-A] [-w] [-o json|yaml]`: one line per Rollout; -w redraws on change. */
import type * as k8s from '@kubernetes/client-node';
import { createSystemClock } from '../runtime/clock.js';
import type { CliIo, Command } from './command.js';
import { UserError } from './command.js';
import { COMMON_FLAGS_USAGE, parseVerbArgs } from './common-flags.js';
import { formatStructured, parseOutputFormat, parseTimeoutMs, type OutputFormat } from './get-flags.js';
import { loadKubeConfig, resolveNamespace } from './kube-context.js';
import { buildRolloutRow, renderRolloutTable } from './render-rollout-table.js';
import { RolloutClient, type RolloutObject } from './rollout-client.js';
import { detectStyle, type TerminalStyle } from './terminal.js';
import { rolloutTargets } from './watch-namespace.js';
import { runWatchScreen } from './watch-screen.js';

const USAGE_LINE = 'kanary list rollouts [-A] [-w] [--timeout D] [-o json|yaml] [-n NS]';

const USAGE = `Usage: ${USAGE_LINE}

One line per Rollout: NAME STRATEGY STATUS STEP SET-WEIGHT READY DESIRED UP-TO-DATE AVAILABLE.

Flags:
  -A, --all-namespaces every namespace (adds a NAMESPACE column)
  -w, --watch          redraw on every change until Ctrl-C
      --timeout D      with -w: stop after D
  -o, --output FORMAT  json or yaml
${COMMON_FLAGS_USAGE}

Example:
  kanary list rollouts -A
`;

interface ListArgs {
  allNamespaces: boolean;
  watch: boolean;
  timeoutMs?: number;
  output: OutputFormat;
  flags: { namespace?: string; context?: string; kubeconfig?: string };
}

export function parseListArgs(argv: string[]): ListArgs {
  const { values, positionals } = parseVerbArgs('list', argv, {
    'all-namespaces': { type: 'boolean', short: 'A' },
    watch: { type: 'boolean', short: 'w' },
    timeout: { type: 'string' },
    output: { type: 'string', short: 'o' },
  });
  const [kind, ...rest] = positionals;
  if (!['rollouts', 'rollout', 'ro'].includes(kind ?? '') || rest.length > 0) throw new UserError(`usage: ${USAGE_LINE}`);
  const timeoutMs = parseTimeoutMs('list', values.timeout as string | undefined);
  if (timeoutMs !== undefined && values.watch !== true) throw new UserError('list: --timeout goes with -w');
  return {
    allNamespaces: values['all-namespaces'] === true,
    watch: values.watch === true,
    output: parseOutputFormat('list', values.output as string | undefined),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    flags: { namespace: values.namespace as string | undefined, context: values.context as string | undefined, kubeconfig: values.kubeconfig as string | undefined },
  };
}

function renderList(rollouts: readonly RolloutObject[], ctx: { args: ListArgs; style: TerminalStyle; namespace: string | undefined }): string {
  const rows = rollouts.map(buildRolloutRow);
  if (ctx.args.output !== 'text') return formatStructured(rows, ctx.args.output);
  return renderRolloutTable(rows, { allNamespaces: ctx.args.allNamespaces, style: ctx.style, ...(ctx.namespace ? { namespace: ctx.namespace } : {}) });
}

async function watchList(kc: k8s.KubeConfig, io: CliIo, ctx: { args: ListArgs; style: TerminalStyle; namespace: string | undefined }): Promise<number> {
  await runWatchScreen({
    kubeConfig: kc, clock: createSystemClock(), write: (text) => io.stdout(text), inPlace: io.isTty && ctx.args.output === 'text',
    targets: rolloutTargets(ctx.namespace), render: (objects) => renderList(objects.rollouts, ctx),
    ...(ctx.args.timeoutMs !== undefined ? { timeoutMs: ctx.args.timeoutMs } : {}),
    what: 'list: the rollout watch',
  });
  return 0;
}

export const listCommand: Command = {
  name: 'list',
  summary: 'list rollouts with status, step and weight (-A all namespaces, -w watch)',
  usage: USAGE,
  async run(argv, io) {
    const args = parseListArgs(argv);
    const kc = loadKubeConfig(args.flags, io.env);
    const namespace = args.allNamespaces ? undefined : resolveNamespace(kc, args.flags.namespace);
    const client = new RolloutClient(kc);
    const ctx = { args, style: detectStyle(io.isTty, io.env), namespace };
    const rollouts = await client.list(namespace);
    if (!args.watch) {
      io.stdout(renderList(rollouts, ctx));
      return 0;
    }
    return watchList(kc, io, ctx);
  },
};
