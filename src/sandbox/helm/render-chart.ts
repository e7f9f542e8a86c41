/**
 * `helm template` for tests and docs checks: renders a chart with tools/helm-render (the real Go
 * template engine and sprig, plus Helm's include/tpl/required/toYaml) and parses the manifests.
 * Values are merged over the chart's values.yaml and checked against its values.schema.json by
 * the renderer; a wrong type fails with Helm's message (`replicas: Invalid type. Expected: integer,
 * given: string`).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as yaml from 'js-yaml';
import { ensureHelmRenderBinary } from './helm-render-binary.js';

const run = promisify(execFile);

export type ManifestObject = Record<string, unknown> & { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };

export interface RenderedManifest {
  /** e.g. `kanary/templates/deployment.yaml` */
  source: string;
  object: ManifestObject;
}

export interface RenderChartOptions {
  chartDir: string;
  /** tools/helm-render */
  rendererDir: string;
  /** Overrides merged over values.yaml (null removes a default, as in Helm). */
  values?: Record<string, unknown>;
  release?: string;
  namespace?: string;
  env?: Readonly<Record<string, string | undefined>>;
}

/** Rendering failed: invalid values, a `required`/`fail`, or a template error; `message` says which. */
export class ChartRenderError extends Error {
  override readonly name = 'ChartRenderError';
}

function isManifest(doc: unknown): doc is ManifestObject {
  return typeof doc === 'object' && doc !== null && typeof (doc as { kind?: unknown }).kind === 'string';
}

/** Splits each template's output into objects (a template may hold several `---` documents). */
export function parseRenderedOutput(json: string): RenderedManifest[] {
  const parsed = JSON.parse(json) as { manifests: Array<{ source: string; content: string }> | null };
  const out: RenderedManifest[] = [];
  for (const { source, content } of parsed.manifests ?? []) {
    for (const doc of yaml.loadAll(content)) {
      if (doc === null || doc === undefined) continue;
      if (!isManifest(doc)) throw new ChartRenderError(`${source} rendered a document without kind`);
      out.push({ source, object: doc });
    }
  }
  return out;
}

export async function renderChart(options: RenderChartOptions): Promise<RenderedManifest[]> {
  const binary = await ensureHelmRenderBinary({ sourceDir: options.rendererDir, env: options.env });
  const dir = await mkdtemp(join(tmpdir(), 'kanary-helm-values-'));
  try {
    const valuesFile = join(dir, 'values.json');
    await writeFile(valuesFile, JSON.stringify(options.values ?? {}));
    const args = ['--chart', options.chartDir, '--values', valuesFile, '--output', 'json',
      '--release', options.release ?? 'kanary', '--namespace', options.namespace ?? 'kanary-system'];
    let stdout: string;
    try {
      ({ stdout } = await run(binary, args, { maxBuffer: 32 * 1024 * 1024, timeout: 60_000 }));
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr?.trim();
      throw new ChartRenderError(stderr ? stderr.replace(/^Error: /, '') : (error as Error).message);
    }
    return parseRenderedOutput(stdout);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The rendered objects as one multi-document YAML stream (for `kubectl apply -f -`). */
export function toYamlStream(manifests: readonly RenderedManifest[]): string {
  return manifests.map((m) => `# Source: ${m.source}\n${yaml.dump(m.object, { noRefs: true })}`).join('---\n');
}
