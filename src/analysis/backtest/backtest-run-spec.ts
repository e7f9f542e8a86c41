// The AnalysisRun a backtest replays: the templates merged as the controller merges a Rollout's
// templates (build-analysis-run.ts), with the `--arg` values in place of the Rollout's args, every
// metric pointed at the `--prometheus` history, the query timeout bounded and, with `--step`, the
// interval replaced. Secret-sourced args cannot be read offline: given with --arg they are served
// through the controller's Secret reader seam, so they stay secret (redacted) as in the controller.
import type { AnalysisRun, AnalysisRunArgument, Argument, Metric, SecretKeyRef } from '../../api/analysis.js';
import { findArgReferences, type SecretReader } from '../args.js';
import { buildAnalysisRun, type NamedTemplate } from '../build-analysis-run.js';

export interface BacktestRunOptions {
  address: string;
  /** Seconds, 1..60: each query's deadline (connect, headers and body). */
  timeoutSeconds: number;
  /** Replaces the interval of every metric that has one. */
  stepMs?: number;
  /** `--arg NAME=VALUE`, in order. */
  args: ReadonlyMap<string, string>;
}

export type BacktestRunSpec = { ok: true; run: AnalysisRun; readSecret: SecretReader } | { ok: false; problems: string[] };

function formatStep(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

function pointAtHistory(metric: Metric, options: BacktestRunOptions): Metric {
  const prometheus = metric.provider.prometheus;
  const interval = options.stepMs !== undefined && metric.interval !== undefined ? formatStep(options.stepMs) : metric.interval;
  const next: Metric = { ...metric, interval };
  if (prometheus === undefined) return next;
  const { query, headers } = prometheus;
  return { ...next, provider: { prometheus: { query, headers, address: options.address, timeout: options.timeoutSeconds } } };
}

function webProblems(templates: readonly NamedTemplate[]): string[] {
  return templates.flatMap((t) => t.spec.metrics.filter((m) => m.provider.web !== undefined).map((m) =>
    `metric "${m.name}" (${t.label}) uses the web provider: backtest replays Prometheus history only; it cannot ask a web endpoint what it answered in the past`));
}

interface DeclaredArg {
  arg: Argument;
  label: string;
}

/** Every declared arg once: the first with a value wins, as when the controller merges templates. */
function declaredArgs(templates: readonly NamedTemplate[]): DeclaredArg[] {
  const merged = new Map<string, DeclaredArg>();
  for (const template of templates) {
    for (const arg of template.spec.args) {
      const seen = merged.get(arg.name);
      if (seen === undefined || (seen.arg.value === undefined && seen.arg.valueFrom === undefined)) merged.set(arg.name, { arg, label: template.label });
    }
  }
  return [...merged.values()];
}

const refKey = (ref: SecretKeyRef) => `${ref.name}\u0000${ref.key}`;

interface ArgPlan {
  rolloutArgs: AnalysisRunArgument[];
  secrets: Map<string, string>;
  problems: string[];
}

function planArg(declared: DeclaredArg, given: string | undefined, referenced: boolean, plan: ArgPlan): void {
  const { arg, label } = declared;
  const ref = arg.valueFrom?.secretKeyRef;
  if (ref !== undefined) {
    if (given !== undefined) plan.secrets.set(refKey(ref), given);
    else if (referenced) plan.problems.push(`arg "${arg.name}" (${label}) reads Secret ${ref.name}, key ${ref.key}, which backtest cannot read offline: pass its value with --arg ${arg.name}=VALUE (it is redacted from the output as in the controller)`);
    else plan.rolloutArgs.push({ name: arg.name, value: '' });
    return;
  }
  if (given !== undefined) plan.rolloutArgs.push({ name: arg.name, value: given });
  else if (arg.value === undefined && referenced) plan.problems.push(`arg "${arg.name}" (${label}) has no value: pass it with --arg ${arg.name}=VALUE`);
  else if (arg.value === undefined) plan.rolloutArgs.push({ name: arg.name, value: '' });
}

function planArgs(templates: readonly NamedTemplate[], metrics: readonly Metric[], given: ReadonlyMap<string, string>): ArgPlan {
  const referenced = new Set(findArgReferences(JSON.stringify(metrics)));
  const declared = declaredArgs(templates);
  const plan: ArgPlan = { rolloutArgs: [], secrets: new Map(), problems: [] };
  for (const name of given.keys()) {
    if (!declared.some((d) => d.arg.name === name)) plan.problems.push(`--arg ${name}: the template declares no arg "${name}" (declared: ${declared.map((d) => d.arg.name).join(', ') || 'none'})`);
  }
  for (const one of declared) planArg(one, given.get(one.arg.name), referenced.has(one.arg.name), plan);
  return plan;
}

/** The run to replay, or every problem that prevents it (each one a message for the user). */
export function buildBacktestRunSpec(templates: readonly NamedTemplate[], options: BacktestRunOptions): BacktestRunSpec {
  const web = webProblems(templates);
  if (web.length > 0) return { ok: false, problems: web };
  const pointed = templates.map((t) => ({ ...t, spec: { ...t.spec, metrics: t.spec.metrics.map((m) => pointAtHistory(m, options)) } }));
  const plan = planArgs(pointed, pointed.flatMap((t) => t.spec.metrics), options.args);
  if (plan.problems.length > 0) return { ok: false, problems: plan.problems };
  const built = buildAnalysisRun({ name: 'backtest', namespace: 'default', templates: pointed, rolloutArgs: plan.rolloutArgs, rollout: {} });
  if (!built.ok) return { ok: false, problems: [built.message] };
  const readSecret: SecretReader = (ref) => Promise.resolve(plan.secrets.get(refKey(ref)));
  return { ok: true, run: built.value, readSecret };
}
