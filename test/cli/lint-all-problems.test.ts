// `kanary lint` reports every problem of every document in one run: schema range errors do not
// hide the semantic and cross-document checks, malformed fields do not crash them, each problem is
// reported once, in the order of the file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateAnalysisTemplate } from '../../src/api/analysis-validate.js';
import { checkRolloutSemantics, validateRollout } from '../../src/api/validate-rollout.js';
import { rolloutSchema } from '../../src/api/rollout.js';
import type { CliIo } from '../../src/cli/command.js';
import { lintCommand, lintPaths } from '../../src/cli/lint-command.js';
import { lintSources } from '../../src/cli/lint-report.js';

const CANARY = 'spec.strategy.canary';

/** A Rollout document with `canary` and `specExtra` spliced in (YAML flow text). */
function rolloutYaml(name: string, canary: string, specExtra = ''): string {
  return `apiVersion: kanary.dev/v1alpha1
kind: Rollout
metadata: {name: ${name}}
spec:
${specExtra}  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [{name: app, image: x}]}
  strategy:
    canary:
${canary}`;
}

/** Every finding as `docN path: [severity: ]message`, in report order. */
function lines(text: string): string[] {
  return lintSources([{ name: 'a.yaml', text }]).findings.map(
    (f) => `doc${f.doc ?? 0} ${f.path}: ${f.severity === 'error' ? '' : `${f.severity}: `}${f.message}`,
  );
}

function errorLines(text: string): string[] {
  return lines(text).filter((l) => !/: (warning|note): /.test(l));
}

describe('a Rollout with schema errors still gets its semantic checks', () => {
  test('a range error and a semantic step problem are both reported, with their paths', () => {
    const text = rolloutYaml('demo', `      steps:
        - setWeight: 150
        - {setWeight: 10, pause: {}}
        - pause: {duration: 5x}
`, '  replicas: -1\n');
    expect(errorLines(text)).toEqual([
      'doc1 spec.replicas: must be at least 0, got -1.',
      `doc1 ${CANARY}.steps[0].setWeight: must be at most 100, got 150.`,
      `doc1 ${CANARY}.steps[1]: sets setWeight and pause: a step must set exactly one of setWeight, pause, setCanaryScale, analysis, setHeaderRoute, setMirrorRoute.`,
      `doc1 ${CANARY}.steps[2].pause.duration: "5x" is not a duration: use whole seconds (30) or a Go-style duration such as 30s, 1m, 1h30m or 500ms.`,
    ]);
  });

  test('every range error of one document is reported', () => {
    const text = rolloutYaml('demo', `      scaleDownDelaySeconds: -3
      steps:
        - setWeight: -5
        - setWeight: 101
        - setCanaryScale: {weight: 101}
`, '  replicas: -1\n  progressDeadlineSeconds: 0\n');
    const paths = errorLines(text).map((l) => l.split(':')[0]);
    expect(paths).toEqual(expect.arrayContaining([
      'doc1 spec.replicas',
      'doc1 spec.progressDeadlineSeconds',
      `doc1 ${CANARY}.scaleDownDelaySeconds`,
      `doc1 ${CANARY}.steps[0].setWeight`,
      `doc1 ${CANARY}.steps[1].setWeight`,
      `doc1 ${CANARY}.steps[2].setCanaryScale.weight`,
    ]));
    // setCanaryScale without trafficRouting is a semantic problem of the same document.
    expect(errorLines(text)).toContain(`doc1 ${CANARY}.steps[2].setCanaryScale: needs spec.strategy.canary.trafficRouting: without a traffic router the canary scale follows setWeight.`);
  });

  test('problems come in the order of the fields in the file, not of the schema', () => {
    const text = `apiVersion: kanary.dev/v1alpha1
kind: Rollout
metadata: {name: demo}
spec:
  strategy:
    canary:
      steps: [{setWeight: 150}, {}]
      maxSurge: "lots"
  template:
    metadata: {labels: {app: demo}}
    spec: {containers: [{name: app, image: x}]}
  selector: {matchLabels: {app: other}}
  replicas: -1
`;
    expect(errorLines(text).map((l) => l.split(':')[0])).toEqual([
      `doc1 ${CANARY}.steps[0].setWeight`,
      `doc1 ${CANARY}.steps[1]`,
      `doc1 ${CANARY}.maxSurge`,
      'doc1 spec.selector',
      'doc1 spec.replicas',
    ]);
  });
});

describe('malformed fields', () => {
  test('fields of the wrong type are reported once and do not crash the semantic checks', () => {
    const text = rolloutYaml('demo', `      stableService: 7
      canaryService: c
      trafficRouting: {ambassador: {mappings: [m, 3]}}
      steps:
        - "oops"
        - pause: {duration: [1]}
        - pause: 12
        - setCanaryScale: five
        - setWeight: 150
        - analysis: {templates: [{templateName: 5}], args: nope}
        - setHeaderRoute: {name: x}
      analysis: {templates: "rate", startingStep: many}
`);
    expect(errorLines(text)).toEqual([
      `doc1 ${CANARY}.stableService: must be a string, not 7.`,
      `doc1 ${CANARY}.trafficRouting.ambassador.mappings[1]: must be a string, not 3.`,
      `doc1 ${CANARY}.steps[0]: must be an object (a map of fields), not the string "oops".`,
      `doc1 ${CANARY}.steps[1].pause.duration: must be a number or a string, not a list.`,
      `doc1 ${CANARY}.steps[2].pause: must be an object (a map of fields), not 12.`,
      `doc1 ${CANARY}.steps[3].setCanaryScale: must be an object (a map of fields), not the string "five".`,
      `doc1 ${CANARY}.steps[4].setWeight: must be at most 100, got 150.`,
      `doc1 ${CANARY}.steps[5].analysis.templates[0].templateName: must be a string, not 5.`,
      `doc1 ${CANARY}.steps[5].analysis.args: must be a list, not the string "nope".`,
      `doc1 ${CANARY}.steps[6].setHeaderRoute.name: "x" is not listed in ${CANARY}.trafficRouting.managedRoutes: list every route the steps set there (the order is the precedence).`,
      `doc1 ${CANARY}.analysis.templates: must be a list, not the string "rate".`,
      `doc1 ${CANARY}.analysis.startingStep: must be a number, not the string "many".`,
    ]);
  });

  test.each([
    ['a spec that is a string', 'spec: nothing\n'],
    ['a strategy that is a list', 'spec: {strategy: [1, 2], selector: 3, template: {metadata: {labels: [a]}, spec: {containers: 4}}}\n'],
    ['a canary that is null', 'spec: {strategy: {canary: null}}\n'],
    ['steps that are a number', 'spec: {strategy: {canary: {steps: 12, analysis: {startingStep: 3}}}}\n'],
  ])('%s: schema problems only, no throw', (_case, spec) => {
    const text = `apiVersion: kanary.dev/v1alpha1\nkind: Rollout\nmetadata: {name: demo}\n${spec}`;
    const found = lintSources([{ name: 'a.yaml', text }]).findings;
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((f) => f.severity === 'error' && f.doc === 1)).toBe(true);
  });

  test('malformed pod labels skip the selector checks instead of reporting a mismatch', () => {
    const text = rolloutYaml('demo', '      steps: [{setWeight: 10}]\n').replace('labels: {app: demo}', 'labels: {app: 5}');
    expect(errorLines(text)).toEqual(['doc1 spec.template.metadata.labels.app: must be a string, not 5.']);
  });
});

describe('several documents', () => {
  const template = (name: string, metric: string): string => `apiVersion: kanary.dev/v1alpha1
kind: AnalysisTemplate
metadata: {name: ${name}}
spec:
  args: [{name: svc}]
  metrics: [${metric}]
`;

  test('each document reports its own problems, in document order', () => {
    const text = [
      rolloutYaml('one', '      steps: [{setWeight: 150}, {pause: {duration: 5x}}]\n'),
      rolloutYaml('two', '      steps: [{}]\n', '  replicas: -2\n'),
      template('rate', '{name: m, count: -1, successCondition: "result <", provider: {prometheus: {query: up}}}'),
    ].join('---\n');
    expect(errorLines(text)).toEqual([
      `doc1 ${CANARY}.steps[0].setWeight: must be at most 100, got 150.`,
      `doc1 ${CANARY}.steps[1].pause.duration: "5x" is not a duration: use whole seconds (30) or a Go-style duration such as 30s, 1m, 1h30m or 500ms.`,
      'doc2 spec.replicas: must be at least 0, got -2.',
      `doc2 ${CANARY}.steps[0]: is empty: a step must set exactly one of setWeight, pause, setCanaryScale, analysis, setHeaderRoute, setMirrorRoute.`,
      'doc3 spec.metrics[0].count: must be at least 0, got -1.',
      'doc3 spec.metrics[0].successCondition: metric "m" successCondition: invalid CEL at column 9: Unexpected token: EOF.',
    ]);
  });

  test('cross-document checks run on a Rollout with a range error', () => {
    const rollout = rolloutYaml('demo', '      steps: [{setWeight: 150}, {analysis: {templates: [{templateName: rate}, {templateName: gone}]}}]\n');
    const text = [rollout, template('rate', '{name: m, count: -1, provider: {prometheus: {query: up}}}')].join('---\n');
    expect(errorLines(text)).toEqual([
      `doc1 ${CANARY}.steps[0].setWeight: must be at most 100, got 150.`,
      `doc1 ${CANARY}.steps[1].analysis.templates[1]: AnalysisTemplate "gone" is not among the given files.`,
      // A template with a problem of its own is still among the given files; its required arg is
      // checked. `args` is not in the file, so it comes after the fields that are.
      `doc1 ${CANARY}.steps[1].analysis.args: must pass "svc", required by AnalysisTemplate "rate".`,
      'doc2 spec.metrics[0].count: must be at least 0, got -1.',
    ]);
  });

  test('the same problem found twice is reported once', () => {
    const rollout = rolloutYaml('demo', '      stableService: s\n      canaryService: c\n      trafficRouting: {ambassador: {mappings: [m, m]}}\n', '  replicas: -1\n');
    const mapping = 'apiVersion: getambassador.io/v2\nkind: Mapping\nmetadata: {name: m}\nspec: {prefix: /, service: s, weight: 10}\n';
    const found = lines([rollout, mapping].join('---\n')).filter((l) => l.startsWith('doc2 spec.weight'));
    expect(found).toEqual(['doc2 spec.weight: a base Mapping used by Rollout "demo" must not set a weight: Kanary sets the weight on "m-canary".']);
  });
});

describe('the command', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kanary-lint-all-'));
    writeFileSync(join(dir, 'a.yaml'), rolloutYaml('demo', '      steps: [{setWeight: 150}, {pause: {duration: 5x}}]\n', '  replicas: -1\n'));
    writeFileSync(join(dir, 'b.yaml'), rolloutYaml('other', '      steps: [{setWeight: 10, pause: {}}]\n'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('prints every problem of every file with its path and exits 1', async () => {
    const out: string[] = [];
    const io: CliIo = { stdout: (t) => out.push(t), stderr: () => undefined, env: {}, isTty: false };
    const code = await lintCommand.run([dir], io);
    expect(code).toBe(1);
    const a = join(dir, 'a.yaml');
    const b = join(dir, 'b.yaml');
    expect(out.join('').split('\n').filter((l) => !l.includes('warning:'))).toEqual([
      `${a}:doc1 spec.replicas: must be at least 0, got -1.`,
      `${a}:doc1 ${CANARY}.steps[0].setWeight: must be at most 100, got 150.`,
      `${a}:doc1 ${CANARY}.steps[1].pause.duration: "5x" is not a duration: use whole seconds (30) or a Go-style duration such as 30s, 1m, 1h30m or 500ms.`,
      `${b}:doc1 ${CANARY}.steps[0]: sets setWeight and pause: a step must set exactly one of setWeight, pause, setCanaryScale, analysis, setHeaderRoute, setMirrorRoute.`,
      '4 problems in 2 documents in 2 files.',
      '',
    ]);
  });

  test('lintPaths gives the same exit code', async () => {
    expect((await lintPaths([join(dir, 'b.yaml')])).exitCode).toBe(1);
  });
});

describe('the validation the controller and kanary migrate share', () => {
  test('validateRollout lists schema and semantic problems together, and no Rollout', () => {
    const raw = { metadata: { name: 'd' }, spec: { replicas: -1, selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'a', image: 'x' }] } }, strategy: { canary: { steps: [{ setWeight: 150 }, {}] } } } };
    const result = validateRollout(raw);
    expect(result.rollout).toBeUndefined();
    expect(result.problems.map((p) => p.path)).toEqual(['spec.replicas', `${CANARY}.steps[0].setWeight`, `${CANARY}.steps[1]`]);
  });

  test('checkRolloutSemantics on a parsed Rollout gives what validateRollout gives', () => {
    const raw = { metadata: { name: 'd' }, spec: { selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'a', image: 'x' }] } }, strategy: { canary: { steps: [{ pause: { duration: '5x' } }] } } } };
    const parsed = rolloutSchema.parse(raw);
    expect(checkRolloutSemantics(parsed, raw)).toEqual(validateRollout(raw).problems);
    expect(checkRolloutSemantics(parsed, raw).map((p) => p.path)).toEqual(['spec.selector', `${CANARY}.steps[0].pause.duration`]);
  });

  test('validateAnalysisTemplate reports CEL problems beside schema problems, wrong types by name', () => {
    const raw = { apiVersion: 'kanary.dev/v1alpha1', kind: 'AnalysisTemplate', metadata: { name: 't' }, spec: { args: 'x', metrics: [{ name: 'm', count: 'two', failureCondition: 'result <', provider: { prometheus: { query: '{{args.a}}' } } }] } };
    const result = validateAnalysisTemplate(raw);
    expect(result.template).toBeUndefined();
    expect(result.problems).toEqual(expect.arrayContaining([
      { path: 'spec.args', message: 'must be a list, not the string "x".' },
      { path: 'spec.metrics[0].count', message: 'must be a number, not the string "two".' },
      { path: 'spec.metrics[0].failureCondition', message: 'metric "m" failureCondition: invalid CEL at column 9: Unexpected token: EOF.' },
    ]));
    // The args list is malformed, so "declares no arg" cannot be known and is not claimed.
    expect(result.problems.some((p) => p.message.includes('declares no arg'))).toBe(false);
  });
});
