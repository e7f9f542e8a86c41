import type * as k8s from '@kubernetes/client-node';
import { sendRawRequest, type RawAnswer } from './raw-request.js';

/** A finished API request, reported for `kanary_kubernetes_requests_total`. */
export interface RequestRecord {
  verb: string;
  resource: string;
  /** HTTP status code; 0 when no response arrived. */
  code: number;
}

export interface RawListOptions {
  kubeConfig: k8s.KubeConfig;
  /** Collection path, e.g. `/apis/apps/v1/namespaces/shop/replicasets`. */
  path: string;
  labelSelector?: string;
  /** Gives up after this long without an answer (default 60 s). */
  timeoutMs?: number;
  /** Resource name for the request record (default: last path segment). */
  resource?: string;
  onRequest?: (record: RequestRecord) => void;
  /** Objects per page (`limit`, default 500); the pages are joined with `continue` tokens. */
  pageSize?: number;
  /** Called with a page's size before it is parsed (the heap guard weighs it). */
  beforeParse?: (bytes: number, what: string) => void;
}

const DEFAULT_PAGE_SIZE = 500;

/** An API answer other than 200; `statusCode` 410 makes ListWatch relist. */
export class RawListError extends Error {
  constructor(message: string, readonly statusCode: number, readonly body?: unknown) {
    super(message);
    this.name = 'RawListError';
  }
}

function statusMessage(body: unknown, fallback: string): string {
  if (typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string') {
    return (body as { message: string }).message;
  }
  return fallback;
}

interface Page<T extends k8s.KubernetesObject> {
  items?: T[];
  metadata?: { resourceVersion?: string; continue?: string };
}

async function getPage<T extends k8s.KubernetesObject>(options: RawListOptions, continueToken: string | undefined): Promise<Page<T>> {
  const resource = options.resource ?? options.path.split('/').pop() ?? '';
  let answer: RawAnswer;
  try {
    answer = await sendRawRequest({
      kubeConfig: options.kubeConfig,
      method: 'GET',
      path: options.path,
      query: { labelSelector: options.labelSelector || undefined, limit: String(options.pageSize ?? DEFAULT_PAGE_SIZE), continue: continueToken || undefined },
      timeoutMs: options.timeoutMs,
      beforeParse: (bytes) => options.beforeParse?.(bytes, resource),
    });
  } catch (error) {
    options.onRequest?.({ verb: 'list', resource, code: 0 });
    throw error;
  }
  options.onRequest?.({ verb: 'list', resource, code: answer.code });
  if (answer.code !== 200) {
    throw new RawListError(`list ${options.path}: ${statusMessage(answer.body, `HTTP ${answer.code}`)}`, answer.code, answer.body);
  }
  return answer.body as Page<T>;
}

/**
 * Lists a collection as the raw JSON the API server sends, the same shape watch events carry (the
 * typed client-node list functions turn timestamps into Date objects; watch events do not), so an
 * informer cache holds one consistent shape. Paginated (`limit`/`continue`): the pages of one list
 * are one consistent snapshot, and its resourceVersion is the one the watch resumes from. An
 * expired continue token is a 410, after which the informer relists from the start.
 */
export async function rawList<T extends k8s.KubernetesObject>(options: RawListOptions): Promise<k8s.KubernetesListObject<T>> {
  const items: T[] = [];
  let page = await getPage<T>(options, undefined);
  items.push(...(page.items ?? []));
  while (page.metadata?.continue) {
    page = await getPage<T>(options, page.metadata.continue);
    items.push(...(page.items ?? []));
  }
  return { ...page, metadata: { resourceVersion: page.metadata?.resourceVersion }, items } as k8s.KubernetesListObject<T>;
}
