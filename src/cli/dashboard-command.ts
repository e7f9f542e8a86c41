/**
 * `kanary dashboard`: serves the release room (a live web UI of Rollouts) on 127.0.0.1 until
 * SIGINT/SIGTERM, acting with the user's kubeconfig credentials. Composition only: the watch,
 * server and UI live in src/dashboard/.
 */
import { isIP } from 'node:net';
import { DashboardServer } from '../dashboard/dashboard-server.js';
import { DashboardWatch } from '../dashboard/dashboard-watch.js';
import { servedMappingReadVersion } from '../traffic/mapping-read-version.js';
import { findAssetsDir } from '../dashboard/assets-dir.js';
import { createIntentRunner } from '../dashboard/intent-action.js';
import { LOOPBACK_HOSTS } from '../dashboard/request-guard.js';
import { createSystemClock } from '../runtime/clock.js';
import type { Command } from './command.js';
import { UserError } from './command.js';
import { COMMON_FLAGS_USAGE, parseVerbArgs } from './common-flags.js';
import { loadKubeConfig, resolveNamespace } from './kube-context.js';

export const DEFAULT_DASHBOARD_PORT = 8377;

const USAGE = `Usage: kanary dashboard [--port N] [--address ADDR] [-n NS[,NS...] | -A] [--read-only]

Serves a live web dashboard of Rollouts (status, steps, canary weight over time, analysis,
ReplicaSets, pods, Mappings) with promote, abort, retry and pause buttons. It acts with your
kubeconfig credentials: what they do not allow, the page shows as refused.

Flags:
      --port N         port to listen on (default ${DEFAULT_DASHBOARD_PORT}; 0 picks a free one)
      --address ADDR   address to bind (default 127.0.0.1; anything else exposes your credentials)
  -A, --all-namespaces every namespace
      --read-only      no actions
${COMMON_FLAGS_USAGE}
  (-n takes a comma-separated list; a namespace you cannot list is shown as not visible)

Example:
  kanary dashboard -n shop
`;

export interface DashboardFlags {
  port: number;
  address: string;
  namespaces: (string | undefined)[];
  readOnly: boolean;
}

export function parsePort(text: string | undefined): number {
  if (text === undefined) return DEFAULT_DASHBOARD_PORT;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65_535) throw new UserError(`dashboard: --port must be a number from 0 to 65535, got "${text}"`);
  return port;
}

function isLoopback(address: string): boolean {
  return address === 'localhost' || address === '::1' || (isIP(address) === 4 && address.startsWith('127.'));
}

function waitForSignal(): Promise<string> {
  return new Promise((resolve) => {
    const onSignal = (signal: string) => {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      resolve(signal);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
}

async function listenOrExplain(server: DashboardServer, port: number, address: string): Promise<number> {
  try {
    return (await server.listen(port, address)).port;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'EADDRINUSE') throw new UserError(`dashboard: port ${port} on ${address} is already in use; pick another with --port`, 2);
    throw new UserError(`dashboard: cannot listen on ${address}:${port}: ${(error as Error).message}`, 2);
  }
}

export const dashboardCommand: Command = {
  name: 'dashboard',
  summary: 'serve a live web dashboard of Rollouts on 127.0.0.1 (promote/abort from the browser)',
  usage: USAGE,
  async run(argv, io) {
    const { values } = parseVerbArgs('dashboard', argv, {
      port: { type: 'string' }, address: { type: 'string' }, 'all-namespaces': { type: 'boolean', short: 'A' }, 'read-only': { type: 'boolean' },
    });
    const flags = { kubeconfig: values.kubeconfig as string | undefined, context: values.context as string | undefined };
    const port = parsePort(values.port as string | undefined);
    const kc = loadKubeConfig(flags, io.env);
    const address = (values.address as string | undefined) ?? '127.0.0.1';
    const all = values['all-namespaces'] === true;
    const namespaces = all ? [undefined] : resolveNamespace(kc, values.namespace as string | undefined).split(',').map((n) => n.trim()).filter(Boolean);
    const assetsDir = findAssetsDir();
    if (!assetsDir) throw new UserError('dashboard: the UI bundle (dist/dashboard-ui) is missing; run `npm run build`');
    const readOnly = values['read-only'] === true;
    const clock = createSystemClock();
    // Mappings in the version this cluster serves (Emissary 4 serves no v2); none when the CRD is missing.
    const mappingVersion = await servedMappingReadVersion(kc).catch(() => undefined);
    const watch = new DashboardWatch({ kubeConfig: kc, namespaces, clock, mappingVersion });
    const server = new DashboardServer({
      source: watch, runIntent: createIntentRunner(flags, io.env), readOnly, assetsDir, clock,
      scopeLabel: `${kc.getCurrentContext()} · ${all ? 'all namespaces' : namespaces.join(', ')}`,
      ...(isLoopback(address) ? { allowedHosts: LOOPBACK_HOSTS } : {}),
    });
    const bound = await listenOrExplain(server, port, address);
    const host = address.includes(':') ? `[${address}]` : address;
    io.stdout(`kanary dashboard: serving http://${host}:${bound}/${readOnly ? ' (read-only)' : ''}; Ctrl-C stops it\n`);
    if (!isLoopback(address)) io.stderr(`kanary dashboard: warning: listening on ${address}: anyone who reaches it acts with your credentials\n`);
    await watch.start(10_000);
    await waitForSignal();
    await server.close();
    await watch.stop();
    return 0;
  },
};
