/**
 * `kanary set image NAME CONTAINER=IMAGE [...]`: changes container images in the Rollout's pod
 * template with ONE merge patch of the spec (conditional on the resourceVersion read); `*` means
 * every container. The controller then starts a new canary.
 */
import { ConflictError } from '../kube/errors.js';
import type { Command } from './command.js';
import { UserError } from './command.js';
import { refuseWorkloadRef } from './workload-ref-guard.js';
import { COMMON_FLAGS_USAGE, parseVerbArgs } from './common-flags.js';
import { loadKubeConfig, resolveNamespace } from './kube-context.js';
import { RolloutClient, type RolloutObject } from './rollout-client.js';

const USAGE_LINE = 'kanary set image NAME CONTAINER=IMAGE [CONTAINER=IMAGE...] [-n NS]';

const USAGE = `Usage: ${USAGE_LINE}

Sets container images in the Rollout's pod template (init containers included); CONTAINER \`*\`
means every container. One patch of the spec: the controller rolls the change out step by step.

Flags:
${COMMON_FLAGS_USAGE}

Example:
  kanary set image demo app=ghcr.io/acme/demo:1.5.0 -n shop
  kanary set image demo '*=ghcr.io/acme/demo:1.5.0'
`;

export interface ImageChange {
  container: string;
  image: string;
}

export interface SetImageArgs {
  name: string;
  changes: ImageChange[];
}

/** `set image NAME C=I...`; anything else is the usage line. */
export function parseSetImageArgs(positionals: readonly string[]): SetImageArgs {
  const [what, name, ...pairs] = positionals;
  if (what !== 'image' || !name || pairs.length === 0) throw new UserError(`usage: ${USAGE_LINE}`);
  const changes = pairs.map((pair) => {
    const at = pair.indexOf('=');
    const container = pair.slice(0, at);
    const image = pair.slice(at + 1);
    if (at <= 0 || image === '') throw new UserError(`usage: ${USAGE_LINE}`);
    return { container, image };
  });
  return { name, changes };
}

interface Container {
  name: string;
  image?: string;
  [key: string]: unknown;
}

interface TemplateSpec {
  containers?: Container[];
  initContainers?: Container[];
}

const LISTS = ['containers', 'initContainers'] as const;

function pickChange(name: string, changes: readonly ImageChange[]): ImageChange | undefined {
  return changes.find((ch) => ch.container === name) ?? changes.find((ch) => ch.container === '*');
}

export interface ImagePatch {
  /** The merge patch body, or undefined when every image already is as asked. */
  body?: Record<string, unknown>;
  /** `app=image`, in template order, for the message. */
  changed: string[];
}

function unknownContainers(podSpec: TemplateSpec, changes: readonly ImageChange[]): string | undefined {
  const names = LISTS.flatMap((list) => (podSpec[list] ?? []).map((c) => c.name));
  const unknown = changes.filter((ch) => ch.container !== '*' && !names.includes(ch.container));
  if (unknown.length === 0) return undefined;
  return `no container ${unknown.map((u) => `"${u.container}"`).join(', ')} (containers: ${names.join(', ')})`;
}

/** The patch for `changes` (pure); unknown container names are a UserError listing the real ones. */
export function buildImagePatch(rollout: RolloutObject, changes: readonly ImageChange[]): ImagePatch {
  refuseWorkloadRef(rollout, 'set the image (kubectl set image)');
  const podSpec = (rollout.spec?.['template'] as { spec?: TemplateSpec } | undefined)?.spec ?? {};
  const problem = unknownContainers(podSpec, changes);
  if (problem) throw new UserError(`rollout "${rollout.metadata?.name}" has ${problem}`);
  const spec: TemplateSpec = {};
  const changed: string[] = [];
  for (const list of LISTS) {
    const containers = podSpec[list];
    if (!containers) continue;
    spec[list] = containers.map((c) => {
      const image = pickChange(c.name, changes)?.image ?? c.image;
      if (image !== c.image) changed.push(`${c.name}=${image}`);
      return { ...c, image };
    });
  }
  if (changed.length === 0) return { changed };
  return { changed, body: { metadata: { resourceVersion: rollout.metadata?.resourceVersion }, spec: { template: { spec } } } };
}

async function patchImages(client: RolloutClient, target: { namespace: string; name: string }, changes: ImageChange[]): Promise<string[]> {
  for (let attempt = 0; ; attempt += 1) {
    const rollout = await client.get(target.namespace, target.name);
    const patch = buildImagePatch(rollout, changes);
    if (!patch.body) return [];
    try {
      await client.patch({ ...target, subresource: 'spec' }, patch.body);
      return patch.changed;
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt >= 4) throw error;
    }
  }
}

export const setCommand: Command = {
  name: 'set',
  summary: 'set image: change container images (starts a new canary)',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseVerbArgs('set', argv, {});
    const args = parseSetImageArgs(positionals);
    const kc = loadKubeConfig({ kubeconfig: values.kubeconfig as string | undefined, context: values.context as string | undefined }, io.env);
    const namespace = resolveNamespace(kc, values.namespace as string | undefined);
    const changed = await patchImages(new RolloutClient(kc), { namespace, name: args.name }, args.changes);
    io.stdout(changed.length === 0
      ? `rollout "${args.name}" unchanged: the images already are ${args.changes.map((c) => `${c.container}=${c.image}`).join(', ')}\n`
      : `rollout "${args.name}" image updated: ${changed.join(', ')}\n`);
    return 0;
  },
};
