/**
 * Builds tools/helm-render (Go: text/template + Debian's Masterminds/sprig, in GOPATH mode, offline)
 * once per source version and caches the binary outside the repository, in
 * `$KANARY_CACHE` or `~/.cache/kanary/helm-render/<source hash>/helm-render`.
 * scripts/setup-ship-tools.sh installs the Go toolchain and sprig when they are missing.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface HelmRenderBuildOptions {
  /** tools/helm-render in the repository. */
  sourceDir: string;
  env?: Readonly<Record<string, string | undefined>>;
}

/** Where built binaries go: $KANARY_CACHE, else $XDG_CACHE_HOME/kanary, else ~/.cache/kanary. */
export function kanaryCacheDir(env: Readonly<Record<string, string | undefined>>): string {
  return env.KANARY_CACHE ?? join(env.XDG_CACHE_HOME ?? join(env.HOME ?? homedir(), '.cache'), 'kanary');
}

/** A short hash of every .go file's name and content, so an edited source builds a new binary. */
export async function hashGoSources(sourceDir: string): Promise<string> {
  const files = (await readdir(sourceDir)).filter((name) => name.endsWith('.go')).sort();
  if (files.length === 0) throw new Error(`no Go sources in ${sourceDir}`);
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(await readFile(join(sourceDir, file)));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/** The path of the helm-render binary for the current sources, building it when missing. */
export async function ensureHelmRenderBinary(options: HelmRenderBuildOptions): Promise<string> {
  const env = options.env ?? process.env;
  const dir = join(kanaryCacheDir(env), 'helm-render', await hashGoSources(options.sourceDir));
  const binary = join(dir, 'helm-render');
  if (existsSync(binary)) return binary;
  await mkdir(dir, { recursive: true });
  const partial = `${binary}.${process.pid}.tmp`;
  const buildEnv = {
    ...env,
    GO111MODULE: 'off',
    GOPATH: env.KANARY_GOPATH ?? '/usr/share/gocode',
    GOCACHE: env.GOCACHE ?? join(kanaryCacheDir(env), 'go-build'),
    GOFLAGS: '',
    CGO_ENABLED: '0',
  };
  try {
    await run('go', ['build', '-o', partial, '.'], { cwd: options.sourceDir, env: buildEnv, timeout: 300_000 });
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
    throw new Error(`building tools/helm-render failed (run scripts/setup-ship-tools.sh for Go and sprig): ${detail}`);
  }
  await rename(partial, binary);
  return binary;
}
