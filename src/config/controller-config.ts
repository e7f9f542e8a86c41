import { hostname as osHostname } from 'node:os';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { parseEgressRule } from '../analysis/egress-policy.js';
import { parseDuration } from '../api/duration.js';
import { UserError } from '../cli/command.js';
import { MAX_SHARDS, type ShardAssignment } from '../core/shard.js';
import { LOG_LEVELS, type LogLevel } from '../telemetry/logger.js';

export const AMBASSADOR_API_VERSIONS = ['getambassador.io/v2', 'getambassador.io/v3alpha1'] as const;
/** `auto` (choose from what the cluster serves) or a full getambassador.io apiVersion. */
export type AmbassadorApiVersion = 'auto' | `getambassador.io/${string}`;

export interface ListenAddress {
  /** Empty means every interface. */
  host: string;
  port: number;
}

/** Everything `kanary controller` needs from its flags and environment, parsed once. */
export interface ControllerConfig {
  kubeconfig?: string;
  context?: string;
  /** Namespaces to watch; empty means all namespaces. */
  namespaces: string[];
  workers: number;
  analysisWorkers: number;
  prometheusAddress: string;
  ambassadorApiVersion: AmbassadorApiVersion;
  logLevel: LogLevel;
  metricsAddr: ListenAddress;
  /** Where /healthz and /readyz listen (their own port, answered off the main thread). */
  probeAddr: ListenAddress;
  /** Whether /metrics carries measured analysis values (`kanary_analysis_metric_value`). */
  metricsMeasuredValues: boolean;
  leaderElect: boolean;
  leaseName: string;
  leaseNamespace: string;
  identity: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  mappingPropagationDelayMs: number;
  /** Extra destinations the analysis providers may reach (CIDRs, addresses, hostname patterns). */
  analysisEgressAllow: string[];
  /** Destinations they may never reach, whatever else allows them. */
  analysisEgressDeny: string[];
  /** Cap on one provider response body. */
  analysisMaxResponseBytes: number;
  /** Wall-clock limit of one CEL condition evaluation. */
  analysisConditionTimeoutMs: number;
  /** In-flight AnalysisRun reconciles one namespace may hold (default: half the analysis workers, rounded up). */
  analysisNamespaceShare: number;
  /** Which Rollouts this process reconciles (src/core/shard.ts); one shard by default. */
  shard: ShardAssignment;
}

export interface ParseControllerConfigInput {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  /** For the default identity; read from the OS when omitted. */
  hostname?: string;
  pid?: number;
}

export const CONTROLLER_FLAGS_USAGE = `Flags:
  --kubeconfig PATH                 kubeconfig file (default: $KUBECONFIG, in-cluster, ~/.kube/config)
  --context NAME                    kubeconfig context
  -n, --namespace NS[,NS...]        namespaces to watch, repeatable (default: all)
  --workers N                       rollout reconcile workers (default 10)
  --analysis-workers N              analysis run workers (default 10)
  --prometheus-address URL          default Prometheus address (default http://prometheus.monitoring:9090)
  --ambassador-api-version V        Mapping apiVersion: auto (default: v2 when served, else v3alpha1),
                                    getambassador.io/v2 or getambassador.io/v3alpha1
  --log-level L                     debug, info (default), warn, error
  --metrics-addr [HOST]:PORT        /metrics address (default :8090)
  --health-probe-addr [HOST]:PORT   /healthz and /readyz address (default :8081)
  --metrics-measured-values[=true|false]  export measured analysis values in /metrics (default true)
  --leader-elect[=true|false]       run leader election (default true)
  --lease-name NAME                 Lease name (default kanary-controller)
  --lease-namespace NS              Lease namespace (default $POD_NAMESPACE or default)
  --identity ID                     leader election identity (default hostname_pid)
  --lease-duration D                (default 15s)   --renew-deadline D (default 10s)   --retry-period D (default 2s)
  --mapping-propagation-delay D     wait before deleting a canary Mapping at weight 0 (default 5s)
  --analysis-egress-allow RULE[,RULE...]  extra destinations analysis may reach: CIDR, address, host or *.host,
                                    {namespace} = the run's namespace; repeatable (default: the run's own
                                    namespace Services and the Prometheus address only)
  --analysis-egress-deny RULE[,RULE...]   destinations analysis may never reach; repeatable
  --analysis-max-response-bytes N   cap on a metric provider's response body (default 1048576)
  --analysis-condition-timeout D    wall-clock limit of one CEL condition (default 1s, at most 30s)
  --analysis-namespace-share N      in-flight analysis reconciles per namespace (default: half the analysis workers)
  --shards M --shard-index I        reconcile only the Rollouts (and their AnalysisRuns) whose namespace/name hash
                                    falls in shard I of M, leading Lease <lease-name>-shard-I (default 1 and 0;
                                    --shard-index defaults to $KANARY_SHARD_INDEX)`;

const FLAG_OPTIONS = {
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  namespace: { type: 'string', short: 'n', multiple: true },
  workers: { type: 'string' },
  'analysis-workers': { type: 'string' },
  'prometheus-address': { type: 'string' },
  'ambassador-api-version': { type: 'string' },
  'log-level': { type: 'string' },
  'metrics-addr': { type: 'string' },
  'health-probe-addr': { type: 'string' },
  'metrics-measured-values': { type: 'string' },
  'leader-elect': { type: 'string' },
  'lease-name': { type: 'string' },
  'lease-namespace': { type: 'string' },
  identity: { type: 'string' },
  'lease-duration': { type: 'string' },
  'renew-deadline': { type: 'string' },
  'retry-period': { type: 'string' },
  'mapping-propagation-delay': { type: 'string' },
  'analysis-egress-allow': { type: 'string', multiple: true },
  'analysis-egress-deny': { type: 'string', multiple: true },
  'analysis-max-response-bytes': { type: 'string' },
  'analysis-condition-timeout': { type: 'string' },
  'analysis-namespace-share': { type: 'string' },
  shards: { type: 'string' },
  'shard-index': { type: 'string' },
} as const;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const count = (flag: string) =>
  z.string().regex(/^\d+$/, `--${flag} must be a whole number`).transform(Number)
    .pipe(z.number().int().min(1, `--${flag} must be at least 1`).max(1000, `--${flag} must be at most 1000`));

const duration = (flag: string) =>
  z.string().transform((text, ctx) => {
    const parsed = parseDuration(text);
    if (parsed.ok) return parsed.ms;
    ctx.addIssue({ code: 'custom', message: `--${flag}: ${parsed.message}` });
    return z.NEVER;
  });

const listenAddress = (flag: string) => z.string().transform((text, ctx): ListenAddress => {
  const match = /^(\[[^\]]*\]|[^:[\]]*):(\d{1,5})$/.exec(text);
  const port = Number(match?.[2]);
  if (!match || port > 65535) {
    ctx.addIssue({ code: 'custom', message: `--${flag} must look like HOST:PORT or :PORT, got "${text}"` });
    return z.NEVER;
  }
  return { host: (match[1] ?? '').replace(/^\[(.*)\]$/, '$1'), port };
});

const booleanFlag = (flag: string) => z.string().transform((text, ctx) => {
  const value = text.toLowerCase();
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  ctx.addIssue({ code: 'custom', message: `--${flag} takes true or false, got "${text}"` });
  return z.NEVER;
});

const httpUrl = z.string().refine((text) => /^https?:\/\/[^\s/]+/.test(text) && URL.canParse(text), {
  message: '--prometheus-address must be an http:// or https:// URL',
});

const namespaceList = z.array(z.string()).transform((values) =>
  [...new Set(values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== ''))],
).pipe(z.array(z.string().regex(DNS_LABEL, 'each --namespace must be a valid namespace name')));

const egressRules = (flag: string) =>
  z.array(z.string()).transform((values, ctx) => {
    const rules = [...new Set(values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== ''))];
    for (const rule of rules) {
      const parsed = parseEgressRule(rule);
      if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: `--${flag}: ${parsed}` });
    }
    return rules;
  });

const byteCount = z.string().regex(/^\d+$/, '--analysis-max-response-bytes must be a whole number of bytes').transform(Number)
  .pipe(z.number().int().min(1024, '--analysis-max-response-bytes must be at least 1024').max(64 * 1024 * 1024, '--analysis-max-response-bytes must be at most 67108864 (64 MiB)'));

const conditionTimeout = duration('analysis-condition-timeout').pipe(
  z.number().min(10, '--analysis-condition-timeout must be at least 10ms').max(30_000, '--analysis-condition-timeout must be at most 30s'),
);

const rawSchema = z.object({
  kubeconfig: z.string().min(1).optional(),
  context: z.string().min(1).optional(),
  namespace: namespaceList,
  workers: count('workers'),
  'analysis-workers': count('analysis-workers'),
  'prometheus-address': httpUrl,
  'ambassador-api-version': z.string().refine((text): text is AmbassadorApiVersion => text === 'auto' || /^getambassador\.io\/v[0-9a-z]+$/.test(text), {
    message: `--ambassador-api-version must be auto or a getambassador.io apiVersion such as ${AMBASSADOR_API_VERSIONS.join(', ')}`,
  }),
  'log-level': z.enum(LOG_LEVELS, { message: `--log-level must be one of ${LOG_LEVELS.join(', ')}` }),
  'metrics-addr': listenAddress('metrics-addr'),
  'health-probe-addr': listenAddress('health-probe-addr'),
  'metrics-measured-values': booleanFlag('metrics-measured-values'),
  'leader-elect': booleanFlag('leader-elect'),
  'lease-name': z.string().regex(DNS_SUBDOMAIN, '--lease-name must be a valid object name'),
  'lease-namespace': z.string().regex(DNS_LABEL, '--lease-namespace must be a valid namespace name'),
  identity: z.string().min(1, '--identity must not be empty'),
  'lease-duration': duration('lease-duration'),
  'renew-deadline': duration('renew-deadline'),
  'retry-period': duration('retry-period'),
  'mapping-propagation-delay': duration('mapping-propagation-delay'),
  'analysis-egress-allow': egressRules('analysis-egress-allow'),
  'analysis-egress-deny': egressRules('analysis-egress-deny'),
  'analysis-max-response-bytes': byteCount,
  'analysis-condition-timeout': conditionTimeout,
  'analysis-namespace-share': count('analysis-namespace-share').optional(),
  shards: z.string().regex(/^\d+$/, '--shards must be a whole number').transform(Number)
    .pipe(z.number().int().min(1, '--shards must be at least 1').max(MAX_SHARDS, `--shards must be at most ${MAX_SHARDS}`)),
  'shard-index': z.string().regex(/^\d+$/, '--shard-index must be a whole number (0 for the first shard)').transform(Number),
});

type RawFlags = z.input<typeof rawSchema>;

function defaults(input: ParseControllerConfigInput): RawFlags {
  const host = input.hostname ?? osHostname();
  const pid = input.pid ?? process.pid;
  return {
    kubeconfig: input.env.KUBECONFIG || undefined,
    namespace: [],
    workers: '10',
    'analysis-workers': '10',
    'prometheus-address': 'http://prometheus.monitoring:9090',
    'ambassador-api-version': 'auto',
    'log-level': 'info',
    'metrics-addr': ':8090',
    'health-probe-addr': ':8081',
    'metrics-measured-values': 'true',
    'leader-elect': 'true',
    'lease-name': 'kanary-controller',
    'lease-namespace': input.env.POD_NAMESPACE || 'default',
    identity: `${host}_${pid}`,
    'lease-duration': '15s',
    'renew-deadline': '10s',
    'retry-period': '2s',
    'mapping-propagation-delay': '5s',
    'analysis-egress-allow': [],
    'analysis-egress-deny': [],
    'analysis-max-response-bytes': '1048576',
    'analysis-condition-timeout': '1s',
    shards: '1',
    'shard-index': input.env.KANARY_SHARD_INDEX || '0',
  };
}

const BOOLEAN_WORDS = new Set(['true', 'false']);

const BOOLEAN_FLAGS = new Set(['leader-elect', 'metrics-measured-values']);

/**
 * A boolean flag alone means true (`--leader-elect false` also works); `--no-leader-elect` means
 * false. The same for every flag in BOOLEAN_FLAGS.
 */
/** `--no-NAME` → `--NAME=false`, or undefined when `arg` is no negated boolean flag. */
function negatedBoolean(arg: string): string | undefined {
  const name = /^--no-(.+)$/.exec(arg)?.[1];
  return name !== undefined && BOOLEAN_FLAGS.has(name) ? `--${name}=false` : undefined;
}

function normaliseArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    const name = /^--([^=]+)$/.exec(arg)?.[1] ?? '';
    if (!BOOLEAN_FLAGS.has(name)) {
      out.push(negatedBoolean(arg) ?? arg);
      continue;
    }
    const next = argv[i + 1];
    const explicit = next !== undefined && BOOLEAN_WORDS.has(next.toLowerCase());
    out.push(`--${name}=${explicit ? next : 'true'}`);
    if (explicit) i += 1;
  }
  return out;
}

/** node:util's messages, on one line and without the error-code prefix. */
function cleanParseArgsMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text
    .replace(/^\w*Error \[[A-Z_]+\]: /, '')
    .replace(/\s*To specify a positional argument.*$/s, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(' ');
}

function readFlags(argv: readonly string[]): Record<string, string | string[] | undefined> {
  try {
    const { values } = parseArgs({ args: normaliseArgv(argv), options: FLAG_OPTIONS, strict: true, allowPositionals: false });
    return values;
  } catch (error) {
    throw new UserError(`controller: ${cleanParseArgsMessage(error)}`);
  }
}

function checkLeaseTimings(config: ControllerConfig): void {
  if (config.leaseDurationMs <= config.renewDeadlineMs) {
    throw new UserError('controller: --lease-duration must be longer than --renew-deadline');
  }
  if (config.renewDeadlineMs <= config.retryPeriodMs) {
    throw new UserError('controller: --renew-deadline must be longer than --retry-period');
  }
  if (config.retryPeriodMs <= 0) throw new UserError('controller: --retry-period must be above 0');
}

function checkListeners(config: ControllerConfig): void {
  if (config.metricsAddr.port !== 0 && config.metricsAddr.port === config.probeAddr.port) {
    throw new UserError(`controller: --metrics-addr and --health-probe-addr must use different ports (both ${config.probeAddr.port})`);
  }
}

function checkShard(config: ControllerConfig): void {
  const { shards, index } = config.shard;
  if (index >= shards) {
    throw new UserError(`controller: --shard-index ${index} must be below --shards ${shards} (shards are numbered 0 to ${shards - 1})`);
  }
}

function toConfig(flags: z.output<typeof rawSchema>): ControllerConfig {
  return {
    kubeconfig: flags.kubeconfig,
    context: flags.context,
    namespaces: flags.namespace,
    workers: flags.workers,
    analysisWorkers: flags['analysis-workers'],
    prometheusAddress: flags['prometheus-address'],
    ambassadorApiVersion: flags['ambassador-api-version'],
    logLevel: flags['log-level'],
    metricsAddr: flags['metrics-addr'],
    probeAddr: flags['health-probe-addr'],
    metricsMeasuredValues: flags['metrics-measured-values'],
    leaderElect: flags['leader-elect'],
    leaseName: flags['lease-name'],
    leaseNamespace: flags['lease-namespace'],
    identity: flags.identity,
    leaseDurationMs: flags['lease-duration'],
    renewDeadlineMs: flags['renew-deadline'],
    retryPeriodMs: flags['retry-period'],
    mappingPropagationDelayMs: flags['mapping-propagation-delay'],
    analysisEgressAllow: flags['analysis-egress-allow'],
    analysisEgressDeny: flags['analysis-egress-deny'],
    analysisMaxResponseBytes: flags['analysis-max-response-bytes'],
    analysisConditionTimeoutMs: flags['analysis-condition-timeout'],
    analysisNamespaceShare: flags['analysis-namespace-share'] ?? Math.ceil(flags['analysis-workers'] / 2),
    shard: { shards: flags.shards, index: flags['shard-index'] },
  };
}

/**
 * Parses `kanary controller` flags over defaults taken from the environment (KUBECONFIG,
 * POD_NAMESPACE). Throws a `UserError` naming every bad flag.
 */
export function parseControllerConfig(input: ParseControllerConfigInput): ControllerConfig {
  const flags = readFlags(input.argv);
  const present = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
  const parsed = rawSchema.safeParse({ ...defaults(input), ...present });
  if (!parsed.success) {
    const messages = [...new Set(parsed.error.issues.map((issue) => issue.message))];
    throw new UserError(`controller: ${messages.join('; ')}`);
  }
  const config = toConfig(parsed.data);
  checkLeaseTimings(config);
  checkListeners(config);
  checkShard(config);
  return config;
}
