// Issue 21 item 1: an Argo Rollouts field Kanary does not implement is named by path with what to
// use instead; a field no version of Argo has is an "unknown field". Rollouts, AnalysisTemplates
// and AnalysisRuns (the controller's parse) say the same.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analysisRunSchema, analysisTemplateSchema } from '../../src/api/analysis.js';
import { templateSpecProblems, validateAnalysisTemplate } from '../../src/api/analysis-validate.js';
import { ARGO_FIELD_HINTS, describeArgoField, findArgoFieldHint, toPathPattern, type ArgoFieldHint } from '../../src/api/argo-fields.js';
import { knownFieldsAt, problemsFromZod, type Problem } from '../../src/api/problems.js';
import { rolloutSchema } from '../../src/api/rollout.js';
import { validateRollout } from '../../src/api/validate-rollout.js';
import { rawRollout } from './rollout-fixture.js';

type Fields = Record<string, unknown>;

const ROLLOUT_ONLY = new Set(['spec.rollbackWindow', 'spec.restartAt']);
const isRolloutPath = (path: string) => path.startsWith('spec.strategy.') || ROLLOUT_ONLY.has(path);
const ROLLOUT_HINTS = ARGO_FIELD_HINTS.filter((h) => isRolloutPath(h.path));
const RUN_ONLY = new Set(['spec.ttlStrategy']);
const TEMPLATE_HINTS = ARGO_FIELD_HINTS.filter((h) => !isRolloutPath(h.path) && !RUN_ONLY.has(h.path));

/** `a.b[].c` -> ['a', 'b', 0, 'c']. */
function segments(pattern: string): (string | number)[] {
  return pattern.split('.').flatMap((part) => (part.endsWith('[]') ? [part.slice(0, -2), 0] : [part]));
}

function concrete(pattern: string): string {
  return pattern.replaceAll('[]', '[0]');
}

/** Sets `value` at the path in `doc`, creating objects and one-element lists on the way. */
function setAt(doc: Fields, pattern: string, value: unknown): Fields {
  const keys = segments(pattern);
  let node: Fields | unknown[] = doc;
  keys.forEach((key, index) => {
    const container = node as Record<string | number, unknown>;
    if (index === keys.length - 1) {
      container[key] = value;
      return;
    }
    const next = keys[index + 1];
    container[key] ??= typeof next === 'number' ? [{}] : {};
    node = container[key] as Fields;
  });
  return doc;
}

function template(spec: Fields): Fields {
  return { apiVersion: 'kanary.dev/v1alpha1', kind: 'AnalysisTemplate', metadata: { name: 't' }, spec };
}

function templateSpec(): Fields {
  return { metrics: [{ name: 'm', interval: '10s', count: 1, successCondition: 'result >= 0', provider: { prometheus: { query: 'up' } } }] };
}

function problemAt(problems: Problem[], path: string): string | undefined {
  return problems.find((p) => p.path === path)?.message;
}

describe('the hint table', () => {
  test('every hinted path is one Kanary does not know (a hint never hides a field Kanary implements)', () => {
    const known = ARGO_FIELD_HINTS.filter((h) => {
      const keys = segments(h.path);
      const schema = isRolloutPath(h.path) ? rolloutSchema : RUN_ONLY.has(h.path) ? analysisRunSchema : analysisTemplateSchema;
      return knownFieldsAt(schema, keys.slice(0, -1)).includes(String(keys.at(-1)));
    });
    expect(known.map((h) => h.path)).toEqual([]);
  });

  test('every hinted path sits under an object Kanary does know (so the schema reports it there)', () => {
    const orphans = ARGO_FIELD_HINTS.filter((h) => {
      const keys = segments(h.path);
      const schema = isRolloutPath(h.path) ? rolloutSchema : RUN_ONLY.has(h.path) ? analysisRunSchema : analysisTemplateSchema;
      return knownFieldsAt(schema, keys.slice(0, -1)).length === 0;
    });
    expect(orphans.map((h) => h.path)).toEqual([]);
  });

  test('docs/migrating-from-argo-rollouts.md lists every field of the table', () => {
    const doc = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'migrating-from-argo-rollouts.md'), 'utf8');
    expect(ARGO_FIELD_HINTS.map((h) => h.path).filter((path) => !doc.includes(`| \`${path}\``) && !doc.includes(`, \`${path}\``))).toEqual([]);
  });

  test.each<[string, string | undefined]>([
    ['spec.strategy.canary.steps[12].experiment', 'spec.strategy.canary.steps[].experiment'],
    ['spec.metrics[3].provider.datadog', 'spec.metrics[].provider.datadog'],
    ['spec.strategy.canary.frobnicate', undefined],
    ['spec.strategy.canary.steps', undefined],
  ])('%s is looked up as %s', (path, pattern) => {
    expect(findArgoFieldHint(path)?.path).toBe(pattern);
    if (pattern !== undefined) expect(toPathPattern(path)).toBe(pattern);
  });

  test.each<[ArgoFieldHint, string]>([
    [{ path: 'spec.strategy.blueGreen.activeMetadata', support: 'not supported yet', instead: 'label pods yourself' }, 'Argo Rollouts field not supported yet by Kanary; label pods yourself.'],
    [{ path: 'spec.strategy.canary.steps[].plugin', support: 'not supported' }, 'Argo Rollouts field not supported by Kanary.'],
  ])('the message of %j', (entry, message) => {
    expect(describeArgoField(entry)).toBe(message);
  });
});

describe('validateRollout', () => {
  test.each(ROLLOUT_HINTS.map((h) => [h.path, h] as const))('%s is refused with its hint', (_path, entry) => {
    const doc = setAt(rawRollout(), entry.path, { any: 'thing' });
    const result = validateRollout(doc);
    expect(result.rollout).toBeUndefined();
    expect(problemAt(result.problems, concrete(entry.path))).toBe(describeArgoField(entry));
  });

  test('a migrated Argo Rollout: each unsupported field by path with its hint, the unknown one as unknown, canaryMetadata, antiAffinity, workloadRef and header routes (implemented) accepted', () => {
    const doc = rawRollout() as Fields & { spec: Fields };
    doc.spec.workloadRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };
    delete doc.spec.template;
    const canary = (doc.spec.strategy as Fields).canary as Fields & { steps: Fields[] };
    canary.canaryMetadata = { labels: { role: 'canary' } };
    canary.antiAffinity = { preferredDuringSchedulingIgnoredDuringExecution: { weight: 1 } };
    canary.steps.splice(1, 0, { experiment: { duration: '5m' } }, { setHeaderRoute: { name: 'header', match: [{ headerName: 'x-canary', headerValue: { exact: 'yes' } }] } });
    (canary.trafficRouting as Fields).managedRoutes = [{ name: 'header' }];
    canary.frobnicate = true;
    const problems = validateRollout(doc).problems.map((p) => `${p.path}: ${p.message}`).sort();
    expect(problems).toEqual([
      expect.stringMatching(/^spec\.strategy\.canary\.frobnicate: unknown field \(known fields: canaryService, stableService, steps, /),
      'spec.strategy.canary.steps[1].experiment: Argo Rollouts field not supported by Kanary; gate the step with an analysis step instead.',
    ]);
  });

  test('blueGreen instead of canary is a strategy Kanary runs (issue 22): no problem', () => {
    const doc = rawRollout();
    doc.spec.strategy = { blueGreen: { activeService: 'web' } };
    expect(validateRollout(doc).problems).toEqual([]);
  });

  test('an Argo field inside a field of the wrong shape is not guessed at: only the wrong shape is reported', () => {
    const doc = rawRollout();
    (doc.spec.strategy as Fields).canary = 'nope';
    expect(validateRollout(doc).problems.map((p) => p.path)).toEqual(['spec.strategy.canary']);
  });
});

describe('AnalysisTemplate and AnalysisRun', () => {
  test.each(TEMPLATE_HINTS.map((h) => [h.path, h] as const))('%s is refused with its hint', (_path, entry) => {
    const doc = template(setAt(templateSpec(), entry.path.slice('spec.'.length), { any: 'thing' }));
    const result = validateAnalysisTemplate(doc);
    expect(result.template).toBeUndefined();
    expect(problemAt(result.problems, concrete(entry.path))).toBe(describeArgoField(entry));
  });

  test('an unknown metric field is named, not dropped (templates were not strict before)', () => {
    const spec = templateSpec();
    (spec.metrics as Fields[])[0]!.sucessCondition = 'result > 1';
    const result = validateAnalysisTemplate(template(spec));
    expect(result.template).toBeUndefined();
    expect(problemAt(result.problems, 'spec.metrics[0].sucessCondition')).toBe('unknown field (did you mean "successCondition"?).');
  });

  test('templateSpecProblems: the schema problems of a referenced template with spec paths, no CEL checks', () => {
    const spec = templateSpec();
    spec.ttlStrategy = { secondsAfterCompletion: 60 };
    (spec.metrics as Fields[])[0]!.successCondition = 'not ( cel';
    expect(templateSpecProblems(spec)).toEqual([
      { path: 'spec.ttlStrategy', message: 'Argo Rollouts field not supported by Kanary; the Rollout\'s spec.analysis history limits decide which AnalysisRuns are kept.' },
    ]);
    expect(templateSpecProblems(templateSpec())).toEqual([]);
  });

  test('an AnalysisRun with Argo fields: the problems the controller puts in its Error message', () => {
    const run = { apiVersion: 'kanary.dev/v1alpha1', kind: 'AnalysisRun', metadata: { name: 'r' }, spec: { ...templateSpec(), ttlStrategy: { secondsAfterCompletion: 60 } } };
    const parsed = analysisRunSchema.safeParse(run);
    expect(parsed.success).toBe(false);
    const problems = parsed.success ? [] : problemsFromZod(parsed.error, analysisRunSchema);
    expect(problemAt(problems, 'spec.ttlStrategy')).toBe(
      'Argo Rollouts field not supported by Kanary; the Rollout\'s spec.analysis history limits decide which AnalysisRuns are kept.',
    );
  });
});

describe('measurementRetention (implemented)', () => {
  test.each([
    [[{ metricName: 'm', limit: 20 }], []],
    [[{ metricName: '.*', limit: 100 }], []],
    [[{ metricName: 'm', limit: 101 }], ['spec.measurementRetention[0].limit']],
    [[{ metricName: 'm', limit: 0 }], ['spec.measurementRetention[0].limit']],
    [[{ metricName: '(unclosed', limit: 5 }], ['spec.measurementRetention[0].metricName']],
  ])('%j: problems at %j', (retention, paths) => {
    const spec = templateSpec();
    spec.measurementRetention = retention;
    expect(templateSpecProblems(spec).map((p) => p.path)).toEqual(paths);
  });
});
