/**
 * The CLI's access to Rollouts: read one (with a clear not-found message) and send one merge patch
 * of intent to the Rollout or its /status. No other writes: the controller does the work.
 */
import type * as k8s from '@kubernetes/client-node';
import { KANARY_GROUP, KANARY_VERSION, ROLLOUT_PLURAL } from '../api/labels.js';
import { callKube, NotFoundError } from '../kube/errors.js';
import { KubeRest, type ListQuery } from '../kube/rest-client.js';
import type { ResourceRef } from '../runtime/resource-path.js';
import { UserError } from './command.js';
import { describeUnreachable } from './kube-context.js';

export interface RolloutObject extends k8s.KubernetesObject {
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

const ROLLOUTS = { group: KANARY_GROUP, version: KANARY_VERSION, plural: ROLLOUT_PLURAL };

export class RolloutClient {
  private readonly rest: KubeRest;

  constructor(private readonly kc: k8s.KubeConfig) {
    this.rest = new KubeRest(kc);
  }

  /** Turns network failures into one line naming the server; other errors pass through. */
  async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const unreachable = describeUnreachable(this.kc, (error as { cause?: unknown }).cause ?? error);
      if (unreachable) throw new UserError(unreachable);
      throw error;
    }
  }

  async get(namespace: string, name: string): Promise<RolloutObject> {
    try {
      return await this.call(() => callKube({ verb: 'get', resource: ROLLOUT_PLURAL, namespace, name }, () =>
        this.rest.get<RolloutObject>({ ...ROLLOUTS, namespace }, name),
      ));
    } catch (error) {
      if (error instanceof NotFoundError) throw new UserError(`rollout "${name}" not found in namespace "${namespace}"`);
      throw error;
    }
  }

  /** The Rollouts of a namespace, or of all namespaces. */
  list(namespace: string | undefined): Promise<RolloutObject[]> {
    return this.listObjects<RolloutObject>({ ...ROLLOUTS, namespace });
  }

  /** Any collection (ReplicaSets, pods, AnalysisRuns, Mappings, Events), with selectors. */
  listObjects<T>(ref: ResourceRef, query: ListQuery = {}): Promise<T[]> {
    return this.call(() => callKube({ verb: 'list', resource: ref.plural, namespace: ref.namespace }, () => this.rest.list<T>(ref, query)));
  }

  patch(target: { namespace: string; name: string; subresource: 'spec' | 'status' }, body: object): Promise<RolloutObject> {
    const { namespace, name } = target;
    const status = target.subresource === 'status';
    return this.call(() => callKube({ verb: 'patch', resource: status ? `${ROLLOUT_PLURAL}/status` : ROLLOUT_PLURAL, namespace, name }, () =>
      this.rest.patch<RolloutObject>({ ...ROLLOUTS, namespace }, name, body, status ? 'status' : undefined),
    ));
  }
}
