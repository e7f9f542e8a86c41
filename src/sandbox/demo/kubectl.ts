/** Runs kubectl (installed with the local stack) against one kubeconfig. */
import { execFile } from 'node:child_process';

export interface KubectlRun {
  kubeconfig: string;
  args: string[];
  input?: string;
}

export function runKubectl({ kubeconfig, args, input }: KubectlRun): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('kubectl', ['--kubeconfig', kubeconfig, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`kubectl ${args.join(' ')} failed: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Applies objects as one JSON List. */
export async function applyObjects(kubeconfig: string, namespace: string, items: unknown[]): Promise<void> {
  const input = JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
  await runKubectl({ kubeconfig, args: ['apply', '-n', namespace, '-f', '-'], input });
}
