/**
 * `kanary report ROLLOUT [-n NS] [--revision N] [-o text|json|markdown]`: the story of one release
 * read from the cluster (the Rollout's journal, its AnalysisRuns, ReplicaSets and Events) and told
 * by the pure assembler in report-model.ts. Reads only.
 */
import type * as k8s from '@kubernetes/client-node';
import { ANALYSIS_RUN_PLURAL, KANARY_GROUP, KANARY_VERSION, POD_TEMPLATE_HASH_LABEL, ROLLOUT_NAME_LABEL } from '../api/labels.js';
import { buildNameLabelValue } from '../core/label-value.js';
import { createSystemClock } from '../runtime/clock.js';
import type { CliIo, Command } from './command.js';
import { UserError } from './command.js';
import { COMMON_FLAGS_USAGE, parseVerbArgs, requireName } from './common-flags.js';
import { loadKubeConfig, resolveNamespace } from './kube-context.js';
import { assembleReleaseReport, chooseRevision, type ReportEvent, type ReportSources } from './report-model.js';
import { renderReportMarkdown } from './report-render-markdown.js';
import { renderReportText } from './report-render-text.js';
import { RolloutClient, type RolloutObject } from './rollout-client.js';
import type { AnalysisRunObject } from './rollout-tree.js';

const USAGE_LINE = 'kanary report ROLLOUT [-n NS] [--revision N] [-o text|json|markdown]';

const USAGE = `Usage: ${USAGE_LINE}

The story of one release (by default the newest revision), from what the cluster holds: the
Rollout's journal (status.journal), its AnalysisRuns and their measurements, its ReplicaSets and
its Events. A timeline of steps and weights with who decided and why, each analysis measurement
with its condition or the judge's evidence, the outcome, and durations (time at each weight, time
from first canary traffic to the decision, time to rollback).

Flags:
      --revision N     the release to tell (the kanary.dev/revision of its ReplicaSet)
  -o, --output FORMAT  text (default), json (everything as data, raw values) or markdown (for an incident review)
${COMMON_FLAGS_USAGE}

Examples:
  kanary report demo -n shop
  kanary report demo -n shop --revision 3 -o markdown > incident-1234.md
`;

type ReportFormat = 'text' | 'json' | 'markdown';

interface ReportArgs {
  name: string;
  revision?: number;
  output: ReportFormat;
  flags: { namespace?: string; context?: string; kubeconfig?: string };
}

function parseFormat(value: string | undefined): ReportFormat {
  if (value === undefined || value === 'text' || value === 'json' || value === 'markdown') return value ?? 'text';
  if (value === 'md') return 'markdown';
  throw new UserError(`report: -o takes text, json or markdown, not "${value}"`);
}

function parseRevision(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UserError(`report: --revision takes a revision number (1, 2, ...), not "${value}"`);
  return Number(value);
}

export function parseReportArgs(argv: string[]): ReportArgs {
  const { values, positionals } = parseVerbArgs('report', argv, { revision: { type: 'string' }, output: { type: 'string', short: 'o' } });
  const revision = parseRevision(values.revision as string | undefined);
  return {
    name: requireName('report', positionals, USAGE_LINE),
    ...(revision !== undefined ? { revision } : {}),
    output: parseFormat(values.output as string | undefined),
    flags: { namespace: values.namespace as string | undefined, context: values.context as string | undefined, kubeconfig: values.kubeconfig as string | undefined },
  };
}

function eventTime(event: k8s.CoreV1Event): string {
  const time = event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp ?? event.metadata.creationTimestamp;
  return time === undefined ? '' : new Date(time).toISOString();
}

function ownedBy(object: { metadata?: { ownerReferences?: k8s.V1OwnerReference[] } }, rollout: RolloutObject): boolean {
  return (object.metadata?.ownerReferences ?? []).some((ref) => ref.kind === 'Rollout' && ref.uid === rollout.metadata?.uid);
}

async function readSources(client: RolloutClient, namespace: string, name: string): Promise<ReportSources> {
  const rollout = await client.get(namespace, name);
  const [replicaSets, analysisRuns, events] = await Promise.all([
    client.listObjects<k8s.V1ReplicaSet>({ group: 'apps', version: 'v1', plural: 'replicasets', namespace }, { labelSelector: POD_TEMPLATE_HASH_LABEL }),
    client.listObjects<AnalysisRunObject>({ group: KANARY_GROUP, version: KANARY_VERSION, plural: ANALYSIS_RUN_PLURAL, namespace }, { labelSelector: `${ROLLOUT_NAME_LABEL}=${buildNameLabelValue(name)}` }),
    client.listObjects<k8s.CoreV1Event>({ group: '', version: 'v1', plural: 'events', namespace }, { fieldSelector: `involvedObject.kind=Rollout,involvedObject.name=${name}` }),
  ]);
  const reportEvents: ReportEvent[] = events
    .map((e) => ({ time: eventTime(e), type: e.type ?? 'Normal', reason: e.reason ?? '', message: e.message ?? '' }))
    .sort((a, b) => a.time.localeCompare(b.time));
  return { rollout, replicaSets: replicaSets.filter((rs) => ownedBy(rs, rollout)), analysisRuns, events: reportEvents };
}

/** The report in the asked format (pure once the sources are read). */
export function renderReleaseReport(sources: ReportSources, args: Pick<ReportArgs, 'revision' | 'output'>, now: number): string {
  const revision = chooseRevision(sources, args.revision);
  const name = sources.rollout.metadata?.name ?? '?';
  if (revision === undefined) throw new UserError(`report: rollout "${name}" has no release yet`);
  const report = assembleReleaseReport(sources, revision, now);
  if (report.timeline.length === 0 && report.podTemplateHash === undefined) {
    throw new UserError(`report: rollout "${name}" has no revision ${revision} in the cluster (no ReplicaSet, no journal entry)`);
  }
  if (args.output === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  return args.output === 'markdown' ? renderReportMarkdown(report) : renderReportText(report);
}

export const reportCommand: Command = {
  name: 'report',
  summary: 'tell the story of one release: steps, weights, analysis values, who decided what and why, durations',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    const args = parseReportArgs(argv);
    const kc = loadKubeConfig(args.flags, io.env);
    const namespace = resolveNamespace(kc, args.flags.namespace);
    const sources = await readSources(new RolloutClient(kc), namespace, args.name);
    io.stdout(renderReleaseReport(sources, args, createSystemClock().now()));
    return 0;
  },
};
