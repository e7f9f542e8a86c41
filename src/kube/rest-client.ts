/**
 * The CLI's Kubernetes client: get, list and merge-patch as raw JSON over sendRawRequest (the
 * kubeconfig's own TLS and credentials), with the same typed errors as the controller's clients
 * (callKube/toKubeError). It stays clear of client-node's generated API classes so a bundled verb
 * loads a fraction of the code (see scripts/bundle-cli.mjs).
 */
import type * as k8s from '@kubernetes/client-node';
import { sendRawRequest } from '../runtime/raw-request.js';
import { buildCollectionPath, type ResourceRef } from '../runtime/resource-path.js';

/** An API answer other than 2xx: `code` and `body` as toKubeError reads them. */
export class ApiAnswerError extends Error {
  constructor(readonly code: number, readonly body: unknown) {
    super(`HTTP ${code}`);
    this.name = 'ApiAnswerError';
  }
}

export interface ListQuery {
  labelSelector?: string;
  fieldSelector?: string;
}

const MERGE_PATCH = 'application/merge-patch+json';

export class KubeRest {
  constructor(private readonly kubeConfig: k8s.KubeConfig, private readonly timeoutMs = 30_000) {}

  private async send<T>(method: 'GET' | 'PATCH', path: string, extra: { query?: Record<string, string | undefined>; body?: unknown } = {}): Promise<T> {
    const answer = await sendRawRequest({ kubeConfig: this.kubeConfig, method, path, timeoutMs: this.timeoutMs, contentType: MERGE_PATCH, ...extra });
    if (answer.code < 200 || answer.code >= 300) throw new ApiAnswerError(answer.code, answer.body);
    return answer.body as T;
  }

  /** Any GET path, e.g. API discovery (`/apis/getambassador.io/v2`). */
  getPath<T>(path: string): Promise<T> {
    return this.send<T>('GET', path);
  }

  /** One object of a namespaced collection. */
  get<T>(ref: ResourceRef, name: string): Promise<T> {
    return this.send<T>('GET', `${buildCollectionPath(ref)}/${encodeURIComponent(name)}`);
  }

  /** The items of a collection (one request: the CLI reads small, selected sets). */
  async list<T>(ref: ResourceRef, query: ListQuery = {}): Promise<T[]> {
    const answer = await this.send<{ items?: T[] }>('GET', buildCollectionPath(ref), { query: { ...query } });
    return answer.items ?? [];
  }

  /** A JSON merge patch of the object, or of its `status` subresource. */
  patch<T>(ref: ResourceRef, name: string, body: object, subresource?: 'status'): Promise<T> {
    const path = `${buildCollectionPath(ref)}/${encodeURIComponent(name)}${subresource ? `/${subresource}` : ''}`;
    return this.send<T>('PATCH', path, { body });
  }
}
