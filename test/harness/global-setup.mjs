/* global process, console */
// Jest global setup of the `cluster` project: builds the local Kubernetes binaries when missing
// (scripts/setup-cluster.sh, a quick no-op once cached), starts one cluster for the whole run in a
// temporary directory and exports KANARY_TEST_KUBECONFIG to the test workers. Uses the BUILT code
// in dist/ (scripts/test.sh runs `npm run build` first).
// Set KANARY_TEST_KUBECONFIG yourself to run the tests against a cluster you started
// (`kanary cluster start`): then nothing is started or stopped here.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

async function importDist(relative) {
  const file = join(root, 'dist', relative);
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` before the cluster tests`);
  return import(pathToFileURL(file).href);
}

// Whether some .ts file under src/ is newer than its compiled .js under dist/ (or has none).
function distStale(dir = join(root, 'src')) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (distStale(path)) return true;
    } else if (entry.name.endsWith('.ts')) {
      const out = path.replace(join(root, 'src'), join(root, 'dist')).replace(/\.ts$/, '.js');
      if (!existsSync(out) || statSync(out).mtimeMs < statSync(path).mtimeMs) return true;
    }
  }
  return false;
}

/** The cluster and the simulated kubelet run from dist/: compile when it is older than src/. */
function ensureBuilt() {
  if (!distStale()) return;
  console.log('\ncluster tests: dist/ is older than src/, running `npm run build`');
  // tsc still emits when another file has a type error; the imports below fail if it did not.
  spawnSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: 'inherit' });
}

/** Last resort when the run dies without teardown: SIGKILL every recorded process (sync). */
function killRecordedSync(dir) {
  let state;
  try {
    state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
  } catch {
    return;
  }
  for (const record of Object.values(state.components ?? {})) {
    try {
      const cmdline = readFileSync(`/proc/${record.pid}/cmdline`, 'utf8');
      if (cmdline.includes(record.binary)) process.kill(record.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

function installExitGuards(dir) {
  process.once('exit', () => killRecordedSync(dir));
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      killRecordedSync(dir);
      rmSync(dir, { recursive: true, force: true });
      process.exit(130);
    });
  }
}

export default async function globalSetup() {
  if (process.env.KANARY_TEST_KUBECONFIG) {
    console.log(`\ncluster tests use the existing cluster of ${process.env.KANARY_TEST_KUBECONFIG}`);
    return;
  }
  const build = spawnSync('bash', [join(root, 'scripts', 'setup-cluster.sh')], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('building the local Kubernetes binaries failed (see the message above)');
  ensureBuilt();
  const { startCluster } = await importDist('sandbox/cluster/cluster.js');
  const { etcdBinDir, kubernetesBinDir } = await importDist('sandbox/cluster/cluster-paths.js');
  const dir = await mkdtemp(join(tmpdir(), 'kanary-test-cluster-'));
  globalThis.__kanaryTestCluster = { dir };
  installExitGuards(dir);
  const started = Date.now();
  let cluster;
  try {
    const binDir = kubernetesBinDir(process.env, homedir());
    // KANARY_TEST_EMISSARY=4 installs Emissary 4's CRDs (v3alpha1 only) instead of Emissary 3's.
    const emissary = process.env.KANARY_TEST_EMISSARY === '4' ? 4 : 3;
    cluster = await startCluster({ dir, binDir, etcdBinDir: etcdBinDir(process.env, homedir()), repoRoot: root, emissary });
    // The tests run kubectl of the cluster's own version.
    process.env.PATH = `${binDir}:${process.env.PATH ?? ''}`;
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  for (const warning of cluster.warnings) console.warn(`cluster tests: ${warning}`);
  console.log(`\nlocal cluster (Emissary ${process.env.KANARY_TEST_EMISSARY === '4' ? 4 : 3} CRDs) ready in ${((Date.now() - started) / 1000).toFixed(1)} s (${dir})`);
  process.env.KANARY_TEST_KUBECONFIG = cluster.kubeconfig;
  process.env.KANARY_TEST_CLUSTER_DIR = dir;
}
