// Starts a worker thread from a module beside the caller: the compiled `.js` when the build is
// there, else the `.ts` source through scripts/run-ts.mjs's module hooks (tests, `run-ts`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * `moduleUrl` is the worker's compiled file, e.g. `new URL('./cel-worker.js', import.meta.url)`.
 * When that file does not exist, its `.ts` source is loaded instead.
 */
export function spawnWorker(moduleUrl: URL, options: WorkerOptions = {}): Worker {
  if (existsSync(fileURLToPath(moduleUrl))) return new Worker(moduleUrl, options);
  const source = new URL(moduleUrl.href.replace(/\.js$/, '.ts'));
  const hooks = new URL('../../scripts/run-ts.mjs', import.meta.url);
  const bootstrap = `import('node:module').then((m) => { m.register(${JSON.stringify(hooks.href)}); return import(${JSON.stringify(source.href)}); })`;
  return new Worker(bootstrap, { ...options, eval: true });
}
