/** The real `kanary controller` as a child process scoped to the demo namespace, logging to a file. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';

export interface DemoControllerOptions {
  repoRoot: string;
  kubeconfig: string;
  namespace: string;
  logFile: string;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export interface DemoController {
  pid: number | undefined;
  running(): boolean;
  stop(): Promise<void>;
}

export interface DemoProcess extends DemoController {
  child: ChildProcess;
}

/** `node bin/kanary.js ARGS` as a child process logging to a file; stop() is SIGTERM, then SIGKILL after 10 s. */
export function spawnKanary(repoRoot: string, args: string[], logFile: string): DemoProcess {
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'kanary.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  return {
    child,
    pid: child.pid,
    running,
    async stop() {
      if (running()) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited(child);
        clearTimeout(timer);
      }
      log.end();
    },
  };
}

export function startDemoController(options: DemoControllerOptions): DemoController {
  return spawnKanary(options.repoRoot, [
    'controller',
    '--kubeconfig', options.kubeconfig,
    '--namespace', options.namespace,
    '--metrics-addr', '127.0.0.1:0',
    '--health-probe-addr', '127.0.0.1:0',
    '--leader-elect=false',
    '--mapping-propagation-delay', '1s',
    // The demo's pods, edge proxy and Prometheus all live on loopback (docs/security.md).
    '--analysis-egress-allow', '127.0.0.0/8,::1',
  ], options.logFile);
}
