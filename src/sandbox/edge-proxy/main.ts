/**
 * `node dist/sandbox/edge-proxy/main.js --kubeconfig PATH [--port N] [--host 127.0.0.1]
 *   [--metrics-port N] [--ambassador-namespace NS] [--ambassador-id ID]`
 * Prints one JSON line `{"msg":"edge proxy listening",...,"port":N,"metricsPort":M}` once ready;
 * stops cleanly on SIGTERM/SIGINT.
 */
import * as k8s from '@kubernetes/client-node';
import { parseArgs } from 'node:util';
import { createLogger } from '../../telemetry/logger.js';
import { startEdgeProxy, type EdgeProxyOptions } from './edge-proxy.js';

const usage = 'usage: node dist/sandbox/edge-proxy/main.js --kubeconfig PATH [--port N] [--host 127.0.0.1] '
  + '[--metrics-port N] [--ambassador-namespace NS] [--ambassador-id ID]';

function readPort(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${flag} must be a port number (0-65535)`);
  return port;
}

function readArgs(argv: string[]): { kubeconfig: string; options: Omit<EdgeProxyOptions, 'kubeConfig'> } {
  const { values } = parseArgs({
    args: argv,
    options: {
      kubeconfig: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'metrics-port': { type: 'string' },
      'ambassador-namespace': { type: 'string' },
      'ambassador-id': { type: 'string' },
    },
    strict: true,
  });
  if (!values.kubeconfig) throw new Error('--kubeconfig is required');
  const port = readPort(values.port, '--port');
  const metricsPort = readPort(values['metrics-port'], '--metrics-port');
  return {
    kubeconfig: values.kubeconfig,
    options: {
      ...(port !== undefined ? { port } : {}),
      ...(metricsPort !== undefined ? { metricsPort } : {}),
      ...(values.host !== undefined ? { host: values.host } : {}),
      ...(values['ambassador-namespace'] !== undefined ? { ambassadorNamespace: values['ambassador-namespace'] } : {}),
      ...(values['ambassador-id'] !== undefined ? { ambassadorId: values['ambassador-id'] } : {}),
    },
  };
}

async function main(): Promise<void> {
  const logger = createLogger({ fields: { component: 'edge-proxy' } });
  let args: ReturnType<typeof readArgs>;
  try {
    args = readArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${usage}\n`);
    process.exit(2);
  }
  const kubeConfig = new k8s.KubeConfig();
  kubeConfig.loadFromFile(args.kubeconfig);
  const proxy = await startEdgeProxy({ kubeConfig, logger, ...args.options });
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    proxy.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error('stop failed', { error: err });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`edge proxy failed to start: ${String(err)}\n`);
  process.exit(1);
});
