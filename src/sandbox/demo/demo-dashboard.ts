/** `kanary dashboard` for the demo's namespace, on a free loopback port, for the whole demo. */
import { spawnKanary, type DemoController } from './demo-controller.js';

export interface DemoDashboard extends DemoController {
  url: string;
}

export interface DemoDashboardOptions {
  repoRoot: string;
  kubeconfig: string;
  namespace: string;
  logFile: string;
  timeoutMs?: number;
}

/** Starts the dashboard and resolves with its URL once it serves (the line it prints). */
export async function startDemoDashboard(options: DemoDashboardOptions): Promise<DemoDashboard> {
  const dashboard = spawnKanary(options.repoRoot, ['dashboard', '--kubeconfig', options.kubeconfig, '-n', options.namespace, '--port', '0'], options.logFile);
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(() => reject(new Error(`the dashboard did not start within ${(options.timeoutMs ?? 30_000) / 1000} s (log: ${options.logFile})`)), options.timeoutMs ?? 30_000);
      dashboard.child.stdout?.on('data', (chunk: Buffer) => {
        seen += chunk.toString('utf8');
        const match = /serving (http:\/\/[^\s;/]+)/.exec(seen);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(`${match[1]}/`);
        }
      });
      dashboard.child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the dashboard exited (code ${code}); log: ${options.logFile}`));
      });
    });
    return { ...dashboard, url };
  } catch (error) {
    await dashboard.stop();
    throw error;
  }
}
