/**
 * The real helm CLI (built from the helm.sh/helm/v4 Go module by scripts/setup-helm.sh) for the ship
 * tests: `helm template` parsed into objects, and any other helm command against the test cluster.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as yaml from 'js-yaml';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export type ManifestObject = Record<string, unknown> & { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };

export interface RenderedManifest {
  /** e.g. `kanary/templates/deployment.yaml` */
  source: string;
  object: ManifestObject;
}

/** Rendering failed: invalid values (Helm's schema check), a `required`/`fail`, or a template error. */
export class ChartRenderError extends Error {
  override readonly name = 'ChartRenderError';
}

let binary: string | undefined;

/** The helm binary, built on first use. */
export function helmBinary(): string {
  if (binary) return binary;
  const built = spawnSync('bash', [join(repoRoot, 'scripts', 'setup-helm.sh'), '--print-binary'], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`building helm failed: ${built.stderr.trim()}`);
  binary = built.stdout.trim();
  return binary;
}

export interface HelmResult {
  code: number;
  stdout: string;
  /** stderr without client-go's log of a watch that `--wait` cancelled itself (see benignClientLog). */
  stderr: string;
}

/**
 * client-go (inside helm) logs through klog when `--wait` cancels its own watch while a response body
 * is still being read: `E1207 15:29:13.786049 23954 request.go:1198] "Unexpected error when reading
 * response body" err="context canceled"`. The command still succeeds; such lines are not helm's
 * output, and any other line (a real error) is kept.
 */
function withoutBenignClientLog(stderr: string): string {
  const klogCancelled = /^[EWI]\d{4} [\d:.]+ +\d+ [\w.-]+:\d+\] .*context canceled.*$/;
  return stderr.split('\n').filter((line) => !klogCancelled.test(line)).join('\n');
}

/** Runs helm with `args`; never rejects (the exit code is in the result). */
export function helm(args: string[], env: Record<string, string> = {}): Promise<HelmResult> {
  return new Promise((resolve) => {
    execFile(helmBinary(), args, { maxBuffer: 32 * 1024 * 1024, timeout: 180_000, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr: withoutBenignClientLog(stderr) });
    });
  });
}

function isManifest(doc: unknown): doc is ManifestObject {
  return typeof doc === 'object' && doc !== null && typeof (doc as { kind?: unknown }).kind === 'string';
}

/** Splits `helm template` output into objects, each with the template it came from (`# Source:`). */
export function parseTemplateOutput(text: string): RenderedManifest[] {
  const out: RenderedManifest[] = [];
  for (const part of text.split(/^---\s*$/m)) {
    const source = /^# Source: (.+)$/m.exec(part)?.[1]?.trim() ?? '';
    if (part.replace(/^#.*$/gm, '').trim() === '') continue;
    const doc = yaml.load(part);
    if (doc === null || doc === undefined) continue;
    if (!isManifest(doc)) throw new ChartRenderError(`${source} rendered a document without kind`);
    out.push({ source, object: doc });
  }
  return out;
}

export interface RenderChartOptions {
  chartDir: string;
  /** Overrides merged over values.yaml (null removes a default). */
  values?: Record<string, unknown>;
  release?: string;
  namespace?: string;
}

/** `helm template` with the values as a file (checked against values.schema.json by Helm itself). */
export async function renderChart(options: RenderChartOptions): Promise<RenderedManifest[]> {
  const dir = await mkdtemp(join(tmpdir(), 'kanary-helm-values-'));
  try {
    const valuesFile = join(dir, 'values.json');
    await writeFile(valuesFile, JSON.stringify(options.values ?? {}));
    const result = await helm(['template', options.release ?? 'kanary', options.chartDir, '--namespace', options.namespace ?? 'kanary-system', '--values', valuesFile]);
    if (result.code !== 0) throw new ChartRenderError(result.stderr.trim().replace(/^Error: /, ''));
    return parseTemplateOutput(result.stdout);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The rendered objects as one multi-document YAML stream (for `kubectl apply -f -`). */
export function toYamlStream(manifests: readonly RenderedManifest[]): string {
  return manifests.map((m) => `# Source: ${m.source}\n${yaml.dump(m.object, { noRefs: true })}`).join('---\n');
}
