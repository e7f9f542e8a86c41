/** `npm run demo -- [--no-tty] [--yes] [--scenario promote|rollback|manual|all] [--rps N] [--metrics SOURCE] ...` */
import { join } from 'node:path';
import { parseArgs } from 'node:util';

export const SCENARIOS = ['promote', 'rollback', 'manual'] as const;
export type Scenario = (typeof SCENARIOS)[number];

/**
 * Where the analysis reads its metrics: a local Prometheus scraping the edge proxy (default), or
 * the web provider against the edge proxy's own counters (/stats/window). The demo falls back to
 * the latter by itself when Prometheus is not installed.
 */
export const METRICS_SOURCES = ['prometheus', 'edge-proxy'] as const;
export type MetricsSource = (typeof METRICS_SOURCES)[number];

export interface DemoOptions {
  /** Interactive terminal output; false with --no-tty. */
  tty: boolean;
  /** Promote the manual release without asking (implied by --no-tty). */
  yes: boolean;
  scenarios: Scenario[];
  /** Requests per second of the traffic generator. */
  rps: number;
  /** Analysis metrics source (--metrics, default prometheus). */
  metrics: MetricsSource;
  /** State directory: lock file, cluster (unless --kubeconfig), logs. */
  dir: string;
  /** Use this running cluster instead of starting one in `dir`. */
  kubeconfig?: string;
  namespace: string;
  help: boolean;
}

export const DEMO_USAGE = `Usage: npm run demo -- [options]
  --no-tty                   non-interactive (implies --yes); exit 0 only if every outcome was as expected
  --yes                      promote the paused release yourself instead of asking
  --scenario NAME            promote | rollback | manual | all (default all; repeatable)
  --rps N                    steady traffic rate, requests per second (default 40)
  --metrics SOURCE           where the analysis reads metrics: prometheus (default; falls back to
                             edge-proxy when Prometheus is not installed) | edge-proxy (the web
                             provider against the edge proxy's own counters)
  --dir DIR                  state directory (default $KANARY_HOME/demo or ~/.kanary/demo)
  --kubeconfig PATH          use this running cluster instead of starting one
  --namespace NS             namespace for the demo objects (default kanary-demo)
`;

export class DemoUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DemoUsageError';
  }
}

function readScenarios(values: string[] | undefined): Scenario[] {
  if (!values || values.length === 0 || values.includes('all')) return [...SCENARIOS];
  const unknown = values.filter((v) => !(SCENARIOS as readonly string[]).includes(v));
  if (unknown.length > 0) throw new DemoUsageError(`--scenario must be promote, rollback, manual or all, got "${unknown.join(', ')}"`);
  return SCENARIOS.filter((s) => values.includes(s));
}

function readRps(text: string | undefined): number {
  if (text === undefined) return 40;
  const rps = Number(text);
  if (!Number.isFinite(rps) || rps < 1 || rps > 500) throw new DemoUsageError(`--rps must be a number from 1 to 500, got "${text}"`);
  return rps;
}

function readMetrics(text: string | undefined): MetricsSource {
  if (text === undefined) return 'prometheus';
  if (!(METRICS_SOURCES as readonly string[]).includes(text)) throw new DemoUsageError(`--metrics must be prometheus or edge-proxy, got "${text}"`);
  return text as MetricsSource;
}

export interface DemoArgsInput {
  argv: string[];
  env: NodeJS.ProcessEnv;
  homeDir: string;
  stdoutIsTty: boolean;
}

/** `$KANARY_HOME/demo`, else `~/.kanary/demo`. */
export function defaultDemoDir(env: NodeJS.ProcessEnv, homeDir: string): string {
  return env.KANARY_HOME ? join(env.KANARY_HOME, 'demo') : join(homeDir, '.kanary', 'demo');
}

export function parseDemoArgs(input: DemoArgsInput): DemoOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: input.argv,
      options: {
        'no-tty': { type: 'boolean' },
        yes: { type: 'boolean', short: 'y' },
        scenario: { type: 'string', multiple: true },
        rps: { type: 'string' },
        metrics: { type: 'string' },
        dir: { type: 'string' },
        kubeconfig: { type: 'string' },
        namespace: { type: 'string', short: 'n' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
  } catch (error) {
    throw new DemoUsageError((error as Error).message);
  }
  const { values } = parsed;
  const tty = !values['no-tty'] && input.stdoutIsTty;
  return {
    tty,
    yes: values.yes === true || !tty,
    scenarios: readScenarios(values.scenario),
    rps: readRps(values.rps),
    metrics: readMetrics(values.metrics),
    dir: values.dir ?? defaultDemoDir(input.env, input.homeDir),
    ...(values.kubeconfig !== undefined ? { kubeconfig: values.kubeconfig } : {}),
    namespace: values.namespace ?? 'kanary-demo',
    help: values.help === true,
  };
}
