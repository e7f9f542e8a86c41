/* global process, console */
// Jest global teardown of the `cluster` project: stops every process global-setup started and
// removes the temporary directory (kept when KANARY_KEEP_TEST_CLUSTER=1, for its logs).
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export default async function globalTeardown() {
  const dir = globalThis.__kanaryTestCluster?.dir;
  if (!dir) return;
  const file = join(root, 'dist', 'sandbox', 'cluster', 'cluster.js');
  if (existsSync(file)) {
    const { stopCluster } = await import(pathToFileURL(file).href);
    await stopCluster(dir);
  }
  if (process.env.KANARY_KEEP_TEST_CLUSTER === '1') {
    console.log(`cluster logs kept in ${dir}/logs`);
  } else {
    await rm(dir, { recursive: true, force: true });
  }
  delete globalThis.__kanaryTestCluster;
}
