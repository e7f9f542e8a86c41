import { UserError } from '../../src/cli/command.js';
import { parseControllerConfig, type ControllerConfig } from '../../src/config/controller-config.js';

const parse = (argv: string[], env: Record<string, string> = {}) =>
  parseControllerConfig({ argv, env, hostname: 'node-a', pid: 42 });

function errorOf(argv: string[]): string {
  try {
    parse(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return (error as Error).message;
  }
  throw new Error(`expected ${argv.join(' ')} to be rejected`);
}

describe('parseControllerConfig', () => {
  test('shards: the index comes from $KANARY_SHARD_INDEX unless given, and must be below the count', () => {
    expect(parse(['--shards', '2'], { KANARY_SHARD_INDEX: '1' }).shard).toEqual({ shards: 2, index: 1 });
    expect(parse(['--shards', '2', '--shard-index', '0'], { KANARY_SHARD_INDEX: '1' }).shard).toEqual({ shards: 2, index: 0 });
    expect(errorOf(['--shards', '2', '--shard-index', '2'])).toBe('controller: --shard-index 2 must be below --shards 2 (shards are numbered 0 to 1)');
    expect(errorOf(['--shard-index', '1'])).toContain('--shard-index 1 must be below --shards 1');
    expect(errorOf(['--shards', '0'])).toContain('--shards must be at least 1');
    expect(errorOf(['--shards', '65'])).toContain('--shards must be at most 64');
    expect(errorOf(['--shards', 'two'])).toContain('--shards must be a whole number');
    expect(errorOf(['--shards', '2', '--shard-index', '-1'])).toContain('--shard-index');
  });

  test('defaults', () => {
    expect(parse([])).toEqual<ControllerConfig>({
      kubeconfig: undefined,
      context: undefined,
      namespaces: [],
      workers: 10,
      analysisWorkers: 10,
      prometheusAddress: 'http://prometheus.monitoring:9090',
      ambassadorApiVersion: 'auto',
      logLevel: 'info',
      metricsAddr: { host: '', port: 8090 },
      probeAddr: { host: '', port: 8081 },
      metricsMeasuredValues: true,
      leaderElect: true,
      leaseName: 'kanary-controller',
      leaseNamespace: 'default',
      identity: 'node-a_42',
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
      mappingPropagationDelayMs: 5_000,
      analysisEgressAllow: [],
      analysisEgressDeny: [],
      analysisMaxResponseBytes: 1_048_576,
      analysisConditionTimeoutMs: 1_000,
      analysisNamespaceShare: 5,
      shard: { shards: 1, index: 0 },
    });
  });

  test('environment supplies KUBECONFIG and POD_NAMESPACE; flags win over them', () => {
    const env = { KUBECONFIG: '/tmp/kc', POD_NAMESPACE: 'kanary-system' };
    expect(parse([], env)).toMatchObject({ kubeconfig: '/tmp/kc', leaseNamespace: 'kanary-system' });
    expect(parse(['--kubeconfig', '/other', '--lease-namespace', 'ops'], env))
      .toMatchObject({ kubeconfig: '/other', leaseNamespace: 'ops' });
  });

  test('every flag is read', () => {
    const config = parse([
      '--kubeconfig=/k', '--context', 'kind', '--namespace', 'a,b', '-n', 'c', '--namespace=a',
      '--workers', '8', '--analysis-workers=2', '--prometheus-address', 'https://prom:9090',
      '--ambassador-api-version', 'getambassador.io/v3alpha1', '--log-level', 'debug',
      '--metrics-addr', '127.0.0.1:0', '--health-probe-addr', '[::1]:9443', '--metrics-measured-values=false', '--leader-elect=false', '--lease-name', 'my-lease',
      '--identity', 'me', '--lease-duration', '6s', '--renew-deadline', '4s', '--retry-period', '500ms',
      '--mapping-propagation-delay', '1500ms',
      '--analysis-egress-allow', '127.0.0.0/8,*.example.com', '--analysis-egress-allow=api.{namespace}.svc',
      '--analysis-egress-deny', '10.0.0.0/8', '--analysis-max-response-bytes', '65536',
      '--analysis-condition-timeout', '250ms', '--analysis-namespace-share', '1',
      '--shards', '4', '--shard-index', '3',
    ]);
    expect(config).toEqual<ControllerConfig>({
      kubeconfig: '/k', context: 'kind', namespaces: ['a', 'b', 'c'], workers: 8, analysisWorkers: 2,
      prometheusAddress: 'https://prom:9090', ambassadorApiVersion: 'getambassador.io/v3alpha1',
      logLevel: 'debug', metricsAddr: { host: '127.0.0.1', port: 0 }, probeAddr: { host: '::1', port: 9443 },
      metricsMeasuredValues: false, leaderElect: false,
      leaseName: 'my-lease', leaseNamespace: 'default', identity: 'me', leaseDurationMs: 6_000,
      renewDeadlineMs: 4_000, retryPeriodMs: 500, mappingPropagationDelayMs: 1_500,
      analysisEgressAllow: ['127.0.0.0/8', '*.example.com', 'api.{namespace}.svc'], analysisEgressDeny: ['10.0.0.0/8'],
      analysisMaxResponseBytes: 65_536, analysisConditionTimeoutMs: 250, analysisNamespaceShare: 1,
      shard: { shards: 4, index: 3 },
    });
  });

  test.each<[string[], boolean]>([
    [['--leader-elect'], true],
    [['--leader-elect=true'], true],
    [['--leader-elect=false'], false],
    [['--no-leader-elect'], false],
    [['--leader-elect', 'false'], false],
  ])('%j -> leaderElect %p', (argv, expected) => {
    expect(parse(argv).leaderElect).toBe(expected);
  });

  test.each<[string[], boolean]>([
    [[], true],
    [['--metrics-measured-values'], true],
    [['--metrics-measured-values', 'false'], false],
    [['--no-metrics-measured-values'], false],
    [['--metrics-measured-values=0'], false],
  ])('%j -> metricsMeasuredValues %p', (argv, expected) => {
    expect(parse(argv).metricsMeasuredValues).toBe(expected);
  });

  test('probes and metrics listen apart: the same fixed port for both is refused', () => {
    expect(parse(['--metrics-addr', ':0', '--health-probe-addr', ':0'])).toMatchObject({ metricsAddr: { port: 0 }, probeAddr: { port: 0 } });
    expect(errorOf(['--metrics-addr', ':9000', '--health-probe-addr', '127.0.0.1:9000'])).toContain('--metrics-addr and --health-probe-addr must use different ports');
  });

  test.each<[string, ControllerConfig['metricsAddr']]>([
    [':8090', { host: '', port: 8090 }],
    ['0.0.0.0:9000', { host: '0.0.0.0', port: 9000 }],
    ['[::1]:0', { host: '::1', port: 0 }],
  ])('--metrics-addr %s', (addr, expected) => {
    expect(parse(['--metrics-addr', addr]).metricsAddr).toEqual(expected);
  });

  test.each([['5', 5_000], ['5s', 5_000], ['1m30s', 90_000], ['250ms', 250]])(
    '--mapping-propagation-delay %s -> %i ms', (text, ms) => {
      expect(parse(['--mapping-propagation-delay', text]).mappingPropagationDelayMs).toBe(ms);
    });

  test.each<[string[], string]>([
    [['--workers', '0'], '--workers must be at least 1'],
    [['--workers', 'many'], '--workers must be a whole number'],
    [['--analysis-workers', '-1'], 'analysis-workers'],
    [['--log-level', 'verbose'], '--log-level must be one of debug, info, warn, error'],
    [['--ambassador-api-version', 'x/v1'], '--ambassador-api-version must be auto or a getambassador.io apiVersion'],
    [['--metrics-addr', '8090'], '--metrics-addr must look like HOST:PORT'],
    [['--metrics-addr', ':70000'], '--metrics-addr must look like HOST:PORT'],
    [['--leader-elect=maybe'], '--leader-elect takes true or false'],
    [['--health-probe-addr', 'localhost'], '--health-probe-addr must look like HOST:PORT'],
    [['--metrics-measured-values=some'], '--metrics-measured-values takes true or false'],
    [['--prometheus-address', 'prometheus:9090'], '--prometheus-address must be an http:// or https:// URL'],
    [['--namespace', 'Bad_NS'], 'valid namespace name'],
    [['--mapping-propagation-delay', 'soon'], '--mapping-propagation-delay'],
    [['--lease-duration', '5s', '--renew-deadline', '10s'], '--lease-duration must be longer than --renew-deadline'],
    [['--renew-deadline', '2s'], '--renew-deadline must be longer than --retry-period'],
    [['--analysis-egress-allow', '10.0.0.0/33'], '--analysis-egress-allow: "10.0.0.0/33" is not a valid CIDR'],
    [['--analysis-egress-deny', 'http://x'], '--analysis-egress-deny: "http://x" is neither a CIDR'],
    [['--analysis-max-response-bytes', '10'], '--analysis-max-response-bytes must be at least 1024'],
    [['--analysis-max-response-bytes', '1MiB'], '--analysis-max-response-bytes must be a whole number of bytes'],
    [['--analysis-condition-timeout', '1m'], '--analysis-condition-timeout must be at most 30s'],
    [['--analysis-namespace-share', '0'], '--analysis-namespace-share must be at least 1'],
    [['--frobnicate'], "Unknown option '--frobnicate'"],
    [['--workers'], "'--workers"],
    [['extra'], 'extra'],
  ])('%j is rejected with a clear message', (argv, expected) => {
    const message = errorOf(argv);
    expect(message).toContain(expected);
    expect(message.startsWith('controller: ')).toBe(true);
    expect(message).not.toContain('\n');
  });

  test('the namespace share defaults to half the analysis workers, rounded up', () => {
    expect(parse(['--analysis-workers', '3']).analysisNamespaceShare).toBe(2);
    expect(parse(['--analysis-workers', '1']).analysisNamespaceShare).toBe(1);
    expect(parse(['--analysis-workers', '4', '--analysis-namespace-share', '4']).analysisNamespaceShare).toBe(4);
  });

  test('several bad flags are reported together', () => {
    const message = errorOf(['--workers', '0', '--log-level', 'loud']);
    expect(message).toContain('--workers');
    expect(message).toContain('--log-level');
  });
});
