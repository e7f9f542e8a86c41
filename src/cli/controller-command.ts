/** `kanary controller`: runs the controller until SIGTERM/SIGINT (graceful: releases the Lease). */
import { CONTROLLER_FLAGS_USAGE, parseControllerConfig } from '../config/controller-config.js';
import { startControllerApp } from '../controller/controller-app.js';
import { createSystemClock } from '../runtime/clock.js';
import { HEAP_TOO_SMALL_EXIT, HeapGuard } from '../runtime/heap-guard.js';
import { createLogger } from '../telemetry/logger.js';
import type { Command } from './command.js';
import { loadKubeConfig } from './kube-context.js';

export const controllerCommand: Command = {
  name: 'controller',
  summary: 'run the Kanary controller (reconciles Rollouts and AnalysisRuns)',
  usage: `Usage: kanary controller [flags]

Runs the controller against the cluster of the current kubeconfig context (or in-cluster).

${CONTROLLER_FLAGS_USAGE}

Example:
  kanary controller --kubeconfig ~/.kanary/cluster/kubeconfig --namespace demo --metrics-addr 127.0.0.1:8090 --health-probe-addr 127.0.0.1:8081
`,
  async run(argv, io) {
    const config = parseControllerConfig({ argv, env: io.env });
    const kubeConfig = loadKubeConfig({ kubeconfig: config.kubeconfig, context: config.context }, io.env);
    const logger = createLogger({ level: config.logLevel, sink: (line: string) => io.stdout(`${line}\n`) });
    // The heap is about to run out: say why and end now (no graceful stop, it would need memory).
    const heapGuard = new HeapGuard({ onTooSmall: (message) => { logger.error(message); process.exit(HEAP_TOO_SMALL_EXIT); } });
    heapGuard.start();
    const app = await startControllerApp({ config, kubeConfig, clock: createSystemClock(), logger, heapGuard });
    logger.info('controller started', { metrics: app.telemetry.url, probes: app.probes.url, namespaces: config.namespaces, identity: config.identity });
    const onSignal = (signal: string) => { void app.stop(`signal ${signal}`); };
    process.once('SIGTERM', () => onSignal('SIGTERM'));
    process.once('SIGINT', () => onSignal('SIGINT'));
    const { reason } = await app.done;
    return reason === 'leadership lost' ? 1 : 0;
  },
};
