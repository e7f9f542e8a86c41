/**
 * The CLI's access to Rollouts: read one (with a clear not-found message) and send one merge patch
 * of intent to the Rollout or its /status. No other writes: the controller does the work.
 */
import * as k8s from '@kubernetes/client-node';
import { KANARY_GROUP, KANARY_VERSION, ROLLOUT_PLURAL } from '../api/labels.js';
import { createKubeClients, type KubeClients } from '../kube/clients.js';
import { callKube, NotFoundError } from '../kube/errors.js';
import { mergePatchOptions } from '../kube/patch-options.js';
import { UserError } from './command.js';
import { describeUnreachable } from './kube-context.js';

export interface RolloutObject extends k8s.KubernetesObject {
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

const BASE = { group: KANARY_GROUP, version: KANARY_VERSION, plural: ROLLOUT_PLURAL };

export class RolloutClient {
  readonly clients: KubeClients;

  constructor(private readonly kc: k8s.KubeConfig) {
    this.clients = createKubeClients(kc);
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
        this.clients.custom.getNamespacedCustomObject({ ...BASE, namespace, name }),
      )) as RolloutObject;
    } catch (error) {
      if (error instanceof NotFoundError) throw new UserError(`rollout "${name}" not found in namespace "${namespace}"`);
      throw error;
    }
  }

  async list(namespace: string | undefined): Promise<RolloutObject[]> {
    const result = await this.call(() => callKube({ verb: 'list', resource: ROLLOUT_PLURAL, namespace }, () =>
      namespace
        ? this.clients.custom.listNamespacedCustomObject({ ...BASE, namespace })
        : this.clients.custom.listClusterCustomObject(BASE),
    )) as { items?: RolloutObject[] };
    return result.items ?? [];
  }

  async patch(target: { namespace: string; name: string; subresource: 'spec' | 'status' }, body: object): Promise<RolloutObject> {
    const { namespace, name } = target;
    const request = { ...BASE, namespace, name, body };
    if (target.subresource === 'status') {
      return await this.call(() => callKube({ verb: 'patch', resource: `${ROLLOUT_PLURAL}/status`, namespace, name }, () =>
        this.clients.custom.patchNamespacedCustomObjectStatus(request, mergePatchOptions()),
      )) as RolloutObject;
    }
    return await this.call(() => callKube({ verb: 'patch', resource: ROLLOUT_PLURAL, namespace, name }, () =>
      this.clients.custom.patchNamespacedCustomObject(request, mergePatchOptions()),
    )) as RolloutObject;
  }
}
