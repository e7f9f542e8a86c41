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

export function startDemoController(options: DemoControllerOptions): DemoController {
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const child = spawn(process.execPath, [
    join(options.repoRoot, 'bin', 'kanary.js'), 'controller',
    '--kubeconfig', options.kubeconfig,
    '--namespace', options.namespace,
    '--metrics-addr', '127.0.0.1:0',
    '--leader-elect=false',
    '--mapping-propagation-delay', '1s',
    // The demo's pods, edge proxy and Prometheus all live on loopback (docs/security.md).
    '--analysis-egress-allow', '127.0.0.0/8,::1',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  return {
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
