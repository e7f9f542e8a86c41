/** `kanary plan FILE [-o json]`: the step-by-step timeline of the Rollout(s) in FILE, offline. */
import { readFile } from 'node:fs/promises';
import { ARGO_API_VERSION, KANARY_API_VERSION } from '../api/labels.js';
import { validateRollout } from '../api/validate-rollout.js';
import type { CliIo, Command } from './command.js';
import { UserError } from './command.js';
import type { Finding, YamlDocument } from './lint-documents.js';
import { findingAt, parseYamlFile } from './lint-documents.js';
import { formatFinding } from './lint-report.js';
import type { RolloutPlan } from './plan-timeline.js';
import { buildRolloutPlan } from './plan-timeline.js';
import { renderPlanJson, renderPlanText } from './render-plan.js';
import { buildBlueGreenPlan, renderBlueGreenPlanText, type BlueGreenPlan } from './plan-bluegreen.js';

const USAGE = `Usage: kanary plan FILE [-o json]

Prints the step-by-step timeline of the Rollout in FILE without a cluster: each step's kind,
canary weight, canary and stable replica counts, pause length or "manual promote", analysis
gates, and the minimum total time. -o json prints the same as JSON.

Example:
  kanary plan examples/canary-ambassador/rollout.yaml
  kanary plan examples/canary-timed/rollout.yaml -o json
`;

interface PlanArgs {
  file: string;
  output: 'text' | 'json';
}

function parseOutput(value: string | undefined): PlanArgs['output'] {
  if (value === 'json' || value === 'text') return value;
  throw new UserError(`plan: -o takes json or text, not ${value === undefined ? 'nothing' : `"${value}"`}.`);
}

export function parsePlanArgs(argv: readonly string[]): PlanArgs {
  let output: PlanArgs['output'] = 'text';
  const files: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '-o' || arg === '--output') {
      output = parseOutput(argv[i + 1]);
      i += 1;
    } else if (arg.startsWith('--output=') || arg.startsWith('-o=')) {
      output = parseOutput(arg.split('=')[1]);
    } else if (arg.startsWith('-')) {
      throw new UserError(`plan: unknown flag ${arg}. Run \`kanary plan --help\`.`);
    } else {
      files.push(arg);
    }
  }
  if (files.length !== 1) throw new UserError('plan needs exactly one FILE, e.g. `kanary plan examples/canary-ambassador/rollout.yaml`.');
  return { file: files[0] ?? '', output };
}

async function readSource(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT') throw new UserError(`${file}: file not found.`);
    if (code === 'EISDIR') throw new UserError(`${file}: is a directory; give the Rollout manifest file.`);
    throw new UserError(`${file}: cannot be read (${code ?? 'unknown error'}).`);
  }
}

function isRolloutDoc(doc: YamlDocument): boolean {
  const value = doc.value as { kind?: unknown; apiVersion?: unknown } | null;
  return value?.kind === 'Rollout' && (value.apiVersion === KANARY_API_VERSION || value.apiVersion === ARGO_API_VERSION);
}

type AnyPlan = RolloutPlan | BlueGreenPlan;

function planDocument(doc: YamlDocument): { plan?: AnyPlan; findings: Finding[] } {
  const raw = doc.value as Record<string, unknown>;
  const result = validateRollout({ ...raw, apiVersion: KANARY_API_VERSION });
  if (!result.rollout) return { findings: result.problems.map((p) => findingAt(doc, p)) };
  const blueGreen = result.rollout.spec.strategy.blueGreen;
  return { plan: blueGreen ? buildBlueGreenPlan(result.rollout, blueGreen) : buildRolloutPlan(result.rollout), findings: [] };
}

function renderText(plan: AnyPlan): string {
  return 'strategy' in plan ? renderBlueGreenPlanText(plan) : renderPlanText(plan);
}

/** Plans every Rollout in `text`; problems come back as lint-style findings. */
export function planSource(file: string, text: string): { plans: AnyPlan[]; findings: Finding[] } {
  const parsed = parseYamlFile({ name: file, text });
  const rollouts = parsed.docs.filter(isRolloutDoc);
  if (parsed.findings.length === 0 && rollouts.length === 0) {
    throw new UserError(`${file}: contains no Rollout (kanary.dev/v1alpha1 or argoproj.io/v1alpha1).`);
  }
  const results = rollouts.map(planDocument);
  return {
    plans: results.flatMap((r) => (r.plan ? [r.plan] : [])),
    findings: [...parsed.findings, ...results.flatMap((r) => r.findings)],
  };
}

function render(plans: AnyPlan[], output: PlanArgs['output']): string {
  if (output === 'json') return plans.length === 1 ? renderPlanJson(plans[0] as RolloutPlan) : `${JSON.stringify(plans, null, 2)}\n`;
  return plans.map(renderText).join('\n');
}

export const planCommand: Command = {
  name: 'plan',
  summary: 'Print the step-by-step timeline of a Rollout manifest offline',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    const args = parsePlanArgs(argv);
    const { plans, findings } = planSource(args.file, await readSource(args.file));
    if (findings.length > 0) {
      io.stderr(`${findings.map(formatFinding).join('\n')}\n`);
      return 1;
    }
    io.stdout(render(plans, args.output));
    return 0;
  },
};
