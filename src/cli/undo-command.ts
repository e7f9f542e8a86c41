/**
 * `kanary undo NAME [--to-revision N]`: puts the pod template of an earlier revision (default: the
 * previous one) back into the Rollout's spec with ONE merge patch, conditional on the
 * resourceVersion read. The ReplicaSet's copy of the template carries the hash label and the API
 * server's defaults; both are removed so the restored template hashes to that revision's
 * ReplicaSet again (checked), which lets the controller reuse it (a fast rollback when stable).
 */
import type * as k8s from '@kubernetes/client-node';
import { POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION } from '../api/labels.js';
import { computePodTemplateHash } from '../core/pod-template-hash.js';
import { refuseWorkloadRef } from './workload-ref-guard.js';
import { ConflictError } from '../kube/errors.js';
import { createMergePatch, jsonEqual, type JsonObject } from '../kube/merge-patch.js';
import type { Command } from './command.js';
import { UserError } from './command.js';
import { COMMON_FLAGS_USAGE, parseVerbArgs, requireName } from './common-flags.js';
import { loadKubeConfig, resolveNamespace } from './kube-context.js';
import { RolloutClient, type RolloutObject } from './rollout-client.js';
import { selectRolloutState, TREE_SELECTORS } from './rollout-tree.js';

const USAGE_LINE = 'kanary undo NAME [--to-revision N] [-n NS]';

const USAGE = `Usage: ${USAGE_LINE}

Rolls the Rollout's pod template back to an earlier revision (default: the previous one). One patch
of the spec; the controller rolls it out (straight back when it is the stable revision).

Flags:
      --to-revision N  the revision to go back to (see \`kanary get rollout NAME\`)
${COMMON_FLAGS_USAGE}

Example:
  kanary undo demo -n shop
  kanary undo demo --to-revision 3
`;

export interface Revision {
  revision: number;
  hash: string;
  template: JsonObject;
}

function toJson(value: unknown): JsonObject {
  return JSON.parse(JSON.stringify(value ?? {})) as JsonObject;
}

/** Revisions of a Rollout's ReplicaSets, newest first. */
export function listRevisions(replicaSets: readonly k8s.V1ReplicaSet[]): Revision[] {
  return replicaSets
    .map((rs) => ({
      revision: Number(rs.metadata?.annotations?.[REVISION_ANNOTATION]),
      hash: rs.metadata?.labels?.[POD_TEMPLATE_HASH_LABEL] ?? '',
      template: toJson(rs.spec?.template),
    }))
    .filter((r) => Number.isInteger(r.revision) && r.hash !== '')
    .sort((a, b) => b.revision - a.revision);
}

/** The revision to go back to (pure): `--to-revision`, else the newest one that is not current. */
export function pickRevision(revisions: readonly Revision[], currentHash: string, toRevision: number | undefined): Revision {
  const known = revisions.map((r) => r.revision).join(', ') || 'none';
  if (toRevision !== undefined) {
    const found = revisions.find((r) => r.revision === toRevision);
    if (!found) throw new UserError(`revision ${toRevision} not found (revisions: ${known})`);
    if (found.hash === currentHash) throw new UserError(`revision ${toRevision} is the current template: nothing to undo`);
    return found;
  }
  const previous = revisions.find((r) => r.hash !== currentHash);
  if (!previous) throw new UserError(`no earlier revision to go back to (revisions: ${known})`);
  return previous;
}

type Defaults = Readonly<Record<string, unknown>>;

const POD_DEFAULTS: Defaults = {
  restartPolicy: 'Always', terminationGracePeriodSeconds: 30, dnsPolicy: 'ClusterFirst',
  schedulerName: 'default-scheduler', securityContext: {},
};
const CONTAINER_DEFAULTS: Defaults = { terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', resources: {} };
const PROBE_DEFAULTS: Defaults = { timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 };

function withoutDefaults(object: JsonObject, defaults: Defaults): JsonObject {
  return Object.fromEntries(Object.entries(object).filter(([key, value]) => !(key in defaults && jsonEqual(value, defaults[key]))));
}

function defaultPullPolicy(image: unknown): string {
  const text = typeof image === 'string' ? image : '';
  const tag = text.includes('@') ? 'digest' : (text.split('/').pop() ?? '').split(':')[1];
  return tag === undefined || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function stripProbe(probe: JsonObject): JsonObject {
  const out = withoutDefaults(probe, PROBE_DEFAULTS);
  if (out['httpGet']) out['httpGet'] = withoutDefaults(out['httpGet'] as JsonObject, { scheme: 'HTTP' });
  return out;
}

function stripContainer(container: JsonObject): JsonObject {
  const out = withoutDefaults(container, { ...CONTAINER_DEFAULTS, imagePullPolicy: defaultPullPolicy(container['image']) });
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    if (out[probe]) out[probe] = stripProbe(out[probe] as JsonObject);
  }
  if (Array.isArray(out['ports'])) out['ports'] = (out['ports'] as JsonObject[]).map((p) => withoutDefaults(p, { protocol: 'TCP' }));
  return out;
}

/** The template without the API server's defaulting (pure; known defaults only). */
export function stripServerDefaults(template: JsonObject): JsonObject {
  const spec = withoutDefaults((template['spec'] ?? {}) as JsonObject, POD_DEFAULTS);
  for (const list of ['containers', 'initContainers']) {
    if (Array.isArray(spec[list])) spec[list] = (spec[list] as JsonObject[]).map(stripContainer);
  }
  const metadata = withoutDefaults((template['metadata'] ?? {}) as JsonObject, { creationTimestamp: null });
  return { ...template, ...(Object.keys(metadata).length > 0 ? { metadata } : {}), spec };
}

function withoutHashLabel(template: JsonObject): JsonObject {
  const metadata = (template['metadata'] ?? {}) as { labels?: Record<string, string> };
  if (!metadata.labels || !(POD_TEMPLATE_HASH_LABEL in metadata.labels)) return template;
  const labels = { ...metadata.labels };
  delete labels[POD_TEMPLATE_HASH_LABEL];
  return { ...template, metadata: { ...metadata, labels } };
}

/** The template to restore: the first candidate that hashes back to the revision's hash. */
export function restoreTemplate(revision: Revision): { template: JsonObject; exact: boolean } {
  const plain = withoutHashLabel(revision.template);
  const candidates = [stripServerDefaults(plain), plain];
  const exact = candidates.find((c) => computePodTemplateHash(c) === revision.hash);
  return exact ? { template: exact, exact: true } : { template: candidates[0] ?? plain, exact: false };
}

async function listOwnedReplicaSets(client: RolloutClient, rollout: RolloutObject): Promise<k8s.V1ReplicaSet[]> {
  const namespace = rollout.metadata?.namespace ?? '';
  const replicaSets = await client.listObjects<k8s.V1ReplicaSet>({ group: 'apps', version: 'v1', plural: 'replicasets', namespace }, { labelSelector: TREE_SELECTORS.replicaSets });
  const objects = { rollouts: [rollout], replicaSets, pods: [], analysisRuns: [], mappings: [] };
  return selectRolloutState(objects, rollout.metadata?.name ?? '')?.replicaSets ?? [];
}

interface UndoOutcome {
  revision: number;
  exact: boolean;
}

async function undo(client: RolloutClient, target: { namespace: string; name: string }, toRevision: number | undefined): Promise<UndoOutcome> {
  for (let attempt = 0; ; attempt += 1) {
    const rollout = await client.get(target.namespace, target.name);
    refuseWorkloadRef(rollout, 'roll back (kubectl rollout undo)');
    const live = toJson(rollout.spec?.['template']);
    const revision = pickRevision(listRevisions(await listOwnedReplicaSets(client, rollout)), computePodTemplateHash(live), toRevision);
    const { template, exact } = restoreTemplate(revision);
    const change = createMergePatch(live, template);
    if (!change) throw new UserError(`rollout "${target.name}" already has the template of revision ${revision.revision}`);
    try {
      await client.patch({ ...target, subresource: 'spec' }, { metadata: { resourceVersion: rollout.metadata?.resourceVersion }, spec: { template: change } });
      return { revision: revision.revision, exact };
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt >= 4) throw error;
    }
  }
}

function parseRevision(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const revision = Number(value);
  if (!Number.isInteger(revision) || revision < 1) throw new UserError(`undo: --to-revision takes a revision number (1, 2, ...), not "${value}"`);
  return revision;
}

export const undoCommand: Command = {
  name: 'undo',
  summary: 'roll the pod template back to the previous (or a given) revision',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseVerbArgs('undo', argv, { 'to-revision': { type: 'string' } });
    const name = requireName('undo', positionals, USAGE_LINE);
    const toRevision = parseRevision(values['to-revision'] as string | undefined);
    const kc = loadKubeConfig({ kubeconfig: values.kubeconfig as string | undefined, context: values.context as string | undefined }, io.env);
    const namespace = resolveNamespace(kc, values.namespace as string | undefined);
    const outcome = await undo(new RolloutClient(kc), { namespace, name }, toRevision);
    const note = outcome.exact ? '' : ' (the restored template differs from the original in defaulted fields: a new ReplicaSet will be created)';
    io.stdout(`rollout "${name}" rolled back to the template of revision ${outcome.revision}${note}\n`);
    return 0;
  },
};
