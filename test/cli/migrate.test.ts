import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyPatch } from 'diff';
import { load } from 'js-yaml';
import type { CliIo } from '../../src/cli/command.js';
import { runCli } from '../../src/cli/main.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const corpus = join(root, 'test/fixtures/migrate/gitops');

interface Run {
  code: number;
  out: string;
  err: string;
}

async function migrate(...args: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {}, isTty: false };
  const code = await runCli(['migrate', ...args], io);
  return { code, out: out.join(''), err: err.join('') };
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => statSync(join(dir, name)).isFile())
    .sort();
}

function snapshot(dir: string): Map<string, string> {
  return new Map(listFiles(dir).map((name) => [name, readFileSync(join(dir, name), 'utf8')]));
}

/** 1-based line and column of the first occurrence of `needle` in a fixture file. */
function positionOf(file: string, needle: string): string {
  const text = readFileSync(join(corpus, file), 'utf8');
  const offset = text.indexOf(needle);
  if (offset < 0) throw new Error(`${needle} not in ${file}`);
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${(before.at(-1) ?? '').length + 1}`;
}

let work: string;

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'kanary-migrate-'));
  cpSync(corpus, work, { recursive: true });
});

afterEach(() => {
  rmSync(work, { recursive: true, force: true });
});

const ARGO_FILES = ['apps/api/analysis.yaml', 'apps/api/rollout.yaml', 'apps/web/analysis.yaml', 'apps/web/rollout.yaml', 'platform/cluster-templates.yaml'];
const UNTOUCHED = ['README.md', 'apps/web/kustomization.yaml', 'apps/web/services.yaml', 'argocd/web-app.yaml'];

describe('kanary migrate on a GitOps corpus', () => {
  test('rewrites only the apiVersion lines of the Argo Rollouts objects, keeping comments, order and quoting', async () => {
    const before = snapshot(work);
    const run = await migrate(work);
    const after = snapshot(work);

    for (const file of ARGO_FILES) {
      const old = (before.get(file) ?? '').split('\n');
      const now = (after.get(file) ?? '').split('\n');
      expect(now).toHaveLength(old.length);
      const changed = old.flatMap((line, i) => (line === now[i] ? [] : [[line, now[i]]]));
      expect(changed.length).toBeGreaterThan(0);
      for (const [was, is] of changed) {
        expect(was).toMatch(/^apiVersion: .?argoproj\.io\/v1alpha1/);
        expect(is).toBe((was ?? '').replace('argoproj.io/v1alpha1', 'kanary.dev/v1alpha1'));
      }
    }
    const rollout = after.get('apps/web/rollout.yaml') ?? '';
    expect(rollout.startsWith('# The web front end, released by canary through Emissary.\n# Owned by team-web.\n')).toBe(true);
    expect(rollout).toContain('apiVersion: kanary.dev/v1alpha1   # the Argo Rollouts CRD\n');
    expect(rollout).toContain('        - pause: {}   # wait for a human\n');
    expect(rollout).toContain('argocd.argoproj.io/sync-wave: "2"');
    expect(Object.keys((load(rollout) as { spec: object }).spec)).toEqual(['replicas', 'revisionHistoryLimit', 'selector', 'strategy', 'template']);
    expect(after.get('apps/web/analysis.yaml')).toContain("apiVersion: 'kanary.dev/v1alpha1'\n");
    expect(after.get('platform/cluster-templates.yaml')).toContain('apiVersion: "kanary.dev/v1alpha1"\n');
    expect(run.out).toContain(`migrated ${join(work, 'apps/web/rollout.yaml')}: Rollout/web\n`);
  });

  test('leaves Services, Mappings, Kustomizations, Argo CD Applications and other documents byte for byte', async () => {
    const before = snapshot(work);
    await migrate(work);
    const after = snapshot(work);
    for (const file of UNTOUCHED) expect(after.get(file)).toBe(before.get(file));
    const analysis = after.get('apps/web/analysis.yaml') ?? '';
    const configMap = (before.get('apps/web/analysis.yaml') ?? '').split('---\napiVersion: v1\n')[1];
    expect(configMap).toContain('metadata:   {name: web-dashboards,   labels: {team: web}}');
    expect(analysis.endsWith(`---\napiVersion: v1\n${configMap ?? 'missing'}`)).toBe(true);
    const deployment = (before.get('apps/api/rollout.yaml') ?? '').split('---\n')[1];
    expect(after.get('apps/api/rollout.yaml')?.endsWith(`---\n${deployment ?? 'missing'}`)).toBe(true);
    expect(after.get('apps/api/analysis.yaml')).toContain('apiVersion: argoproj.io/v1alpha1\nkind: Experiment\n');
  });

  test('reports every refused field with file:line:column and field path, writes the files and exits 1', async () => {
    const run = await migrate(work);
    expect(run.code).toBe(1);
    const rollout = join(work, 'apps/api/rollout.yaml');
    const lines = run.out.split('\n');
    expect(lines).toEqual(expect.arrayContaining([
      `${rollout}:${positionOf('apps/api/rollout.yaml', 'nginx:')}: Rollout/api spec.strategy.canary.trafficRouting.nginx: Argo Rollouts field not supported by Kanary; use trafficRouting.ambassador (Emissary Mappings), or no trafficRouting for a replica-based canary.`,
      `${rollout}:${positionOf('apps/api/rollout.yaml', 'trafficRouting:')}: Rollout/api spec.strategy.canary.trafficRouting.ambassador: is required.`,
      `${rollout}:${positionOf('apps/api/rollout.yaml', 'experiment:')}: Rollout/api spec.strategy.canary.steps[1].experiment: Argo Rollouts field not supported by Kanary; gate the step with an analysis step instead.`,
      `${join(work, 'apps/api/analysis.yaml')}:${positionOf('apps/api/analysis.yaml', 'provider:')}: AnalysisTemplate/api-errors spec.metrics[0].provider: provider must set exactly one of: prometheus, web.`,
      `${join(work, 'apps/api/analysis.yaml')}:${positionOf('apps/api/analysis.yaml', 'datadog:')}: AnalysisTemplate/api-errors spec.metrics[0].provider.datadog: Argo Rollouts field not supported by Kanary; use provider.prometheus or provider.web.`,
    ]));
    // canaryMetadata is implemented: migrated as it is, never reported.
    expect(lines.some((l) => l.includes('canaryMetadata'))).toBe(false);
    expect(readFileSync(rollout, 'utf8')).toContain('canaryMetadata:');
    // Argo's expr `default(...)` is no CEL: the condition is refused too, on its own line.
    expect(lines.some((l) => l.startsWith(`${join(work, 'apps/api/analysis.yaml')}:${positionOf('apps/api/analysis.yaml', 'successCondition:')}: AnalysisTemplate/api-errors spec.metrics[0].successCondition:`))).toBe(true);
    expect(run.out).toContain('6 fields Kanary would refuse');
    expect(readFileSync(rollout, 'utf8')).toContain('apiVersion: kanary.dev/v1alpha1\n');
  });

  test('warns where a Kustomize patch target or an Argo CD Application still names the argoproj.io Rollout', async () => {
    const run = await migrate(work);
    const where = (file: string): string => `${join(work, file)}:${positionOf(file, 'group: argoproj.io')}`;
    expect(run.out).toContain(`${where('apps/web/kustomization.yaml')}: Kustomization group: warning: refers to Rollout as argoproj.io; after the migration it is kanary.dev`);
    expect(run.out).toContain(`${where('argocd/web-app.yaml')}: Application/web group: warning: refers to Rollout as argoproj.io`);
    expect(run.out).toContain(`Experiment/api-baseline kind: warning: Kanary has no Experiment`);
  });

  test('exits 0 when nothing is refused, and a second run changes nothing', async () => {
    const paths = [join(work, 'apps/web'), join(work, 'platform')];
    const first = await migrate(...paths);
    expect(first.code).toBe(0);
    expect(first.out).toContain('migrated 3 objects in 3 files to kanary.dev/v1alpha1.\nNo field Kanary would refuse; 1 warning.\n');
    const migrated = snapshot(work);
    const second = await migrate(...paths);
    expect(second.code).toBe(0);
    expect(second.out).toContain('nothing to migrate: 3 objects already kanary.dev/v1alpha1.');
    expect(snapshot(work)).toEqual(migrated);
  });

  test('a second run still reports the fields left to fix', async () => {
    await migrate(join(work, 'apps/api'));
    const again = await migrate(join(work, 'apps/api'));
    expect(again.code).toBe(1);
    expect(again.out).toContain('spec.strategy.canary.trafficRouting.nginx: Argo Rollouts field not supported by Kanary');
  });

  test('cross-document problems of kanary lint are warnings that name the line', async () => {
    const services = join(work, 'apps/web/services.yaml');
    writeFileSync(services, readFileSync(services, 'utf8').replace('service: web-stable:80', 'service: web-stable:80\n  weight: 10'));
    const run = await migrate(join(work, 'apps/web'), join(work, 'platform'));
    expect(run.code).toBe(0);
    const line = readFileSync(services, 'utf8').split('\n').indexOf('  weight: 10') + 1;
    expect(run.out).toContain(`${services}:${line}:3: Mapping/web spec.weight: warning: a base Mapping used by Rollout "web" must not set a weight`);
  });

  test('-o json carries the files, the findings with lines and the refused count', async () => {
    const run = await migrate('-o', 'json', work);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.out) as { files: { path: string }[]; findings: { file: string; line: number; path: string; severity: string }[]; refused: number };
    expect(report.files.map((f) => relative(work, f.path)).sort()).toEqual(ARGO_FILES);
    expect(report.refused).toBe(6);
    const nginx = report.findings.find((f) => f.path === 'spec.strategy.canary.trafficRouting.nginx');
    expect(nginx).toMatchObject({ file: join(work, 'apps/api/rollout.yaml'), line: Number(positionOf('apps/api/rollout.yaml', 'nginx:').split(':')[0]), severity: 'refused' });
  });
});

describe('kanary migrate --dry-run', () => {
  test('writes nothing and prints a unified diff that gives the same files as a real run', async () => {
    const before = snapshot(work);
    const mtimes = listFiles(work).map((f) => statSync(join(work, f)).mtimeMs);
    const run = await migrate('--dry-run', work);
    expect(run.code).toBe(1);
    expect(snapshot(work)).toEqual(before);
    expect(listFiles(work).map((f) => statSync(join(work, f)).mtimeMs)).toEqual(mtimes);

    expect(run.out).toContain('-apiVersion: argoproj.io/v1alpha1\n+apiVersion: kanary.dev/v1alpha1\n');
    expect(run.out).not.toContain('kustomization.yaml');
    expect(run.err).toContain('dry run: would migrate 5 objects in 5 files to kanary.dev/v1alpha1; nothing written.');
    expect(run.err).toContain('spec.strategy.canary.trafficRouting.nginx: Argo Rollouts field not supported by Kanary');

    const expected = new Map(before);
    for (const [file, text] of before) {
      const marker = `+++ b/${join(work, file).replace(/^\/+/, '')}\n`;
      const start = run.out.indexOf(marker);
      if (start < 0) continue;
      const from = run.out.lastIndexOf('--- a/', start);
      const next = run.out.indexOf('--- a/', start);
      const patched = applyPatch(text, run.out.slice(from, next < 0 ? undefined : next));
      if (patched === false) throw new Error(`the diff for ${file} does not apply`);
      expected.set(file, patched);
    }
    await migrate(work);
    expect(snapshot(work)).toEqual(expected);
  });
});

describe('kanary migrate on bad input', () => {
  test('a file that is not YAML is named with its line, exit 2, and nothing is written', async () => {
    const bad = join(work, 'apps/web/broken.yaml');
    writeFileSync(bad, 'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: broken\n    labels: x\n');
    const before = snapshot(work);
    const run = await migrate(work);
    expect(run.code).toBe(2);
    expect(run.err).toContain(`${bad}:4:9: not valid YAML: Nested mappings are not allowed in compact mappings\n`);
    expect(run.err).toContain('nothing was written');
    expect(run.out).toBe('');
    expect(snapshot(work)).toEqual(before);
  });

  test('a directory without Argo Rollouts objects says so and exits 2', async () => {
    const run = await migrate(join(work, 'argocd'));
    expect(run.code).toBe(2);
    expect(run.err).toBe(`kanary: migrate: no Argo Rollouts object (argoproj.io/v1alpha1 Rollout, AnalysisTemplate, ClusterAnalysisTemplate or AnalysisRun) in ${join(work, 'argocd')} (read 1 YAML file): nothing to migrate.\n`);
  });

  test('an empty directory says there is no YAML file and exits 2', async () => {
    const empty = join(work, 'empty');
    mkdirSync(empty);
    const run = await migrate(empty);
    expect(run.code).toBe(2);
    expect(run.err).toContain(`in ${empty} (no *.yaml or *.yml file there): nothing to migrate.`);
  });

  test('a path that does not exist exits 2 before anything is written', async () => {
    const before = snapshot(work);
    const run = await migrate(work, join(work, 'nope.yaml'));
    expect(run.code).toBe(2);
    expect(run.err).toBe(`kanary: migrate: ${join(work, 'nope.yaml')}: no such file or directory.\n`);
    expect(snapshot(work)).toEqual(before);
  });

  test.each([
    [[], 'migrate needs at least one file or directory'],
    [['-o', 'yaml', '.'], '-o must be text or json, not "yaml"'],
    [['--force', '.'], "Unknown option '--force'"],
  ])('usage errors exit 2: %j', async (args, message) => {
    const run = await migrate(...args);
    expect(run.code).toBe(2);
    expect(run.err).toContain(message);
  });

  test('the verb is listed by kanary --help', async () => {
    const out: string[] = [];
    await runCli(['--help'], { stdout: (t) => out.push(t), stderr: () => undefined, env: {}, isTty: false });
    expect(out.join('')).toMatch(/^ {2}migrate +Rewrite Argo Rollouts manifests as Kanary ones/m);
  });
});
