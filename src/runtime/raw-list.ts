import * as http from 'node:http';
import * as https from 'node:https';
import type * as k8s from '@kubernetes/client-node';

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
}

/** An API answer other than 200; `statusCode` 410 makes ListWatch relist. */
export class RawListError extends Error {
  constructor(message: string, readonly statusCode: number, readonly body?: unknown) {
    super(message);
    this.name = 'RawListError';
  }
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function statusMessage(body: unknown, fallback: string): string {
  if (typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string') {
    return (body as { message: string }).message;
  }
  return fallback;
}

function send(url: URL, options: https.RequestOptions, timeoutMs: number): Promise<{ code: number; body: unknown }> {
  const request = url.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = request(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body: parseBody(Buffer.concat(chunks).toString('utf8')) }));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`list ${url.pathname} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Lists a collection as the raw JSON the API server sends, the same shape watch events carry (the
 * typed client-node list functions turn timestamps into Date objects; watch events do not), so an
 * informer cache holds one consistent shape.
 */
export async function rawList<T extends k8s.KubernetesObject>(options: RawListOptions): Promise<k8s.KubernetesListObject<T>> {
  const cluster = options.kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('kubeconfig has no current cluster');
  const url = new URL(cluster.server.replace(/\/+$/, '') + options.path);
  if (options.labelSelector) url.searchParams.set('labelSelector', options.labelSelector);
  const requestOptions: https.RequestOptions = { method: 'GET', headers: { accept: 'application/json' } };
  await options.kubeConfig.applyToHTTPSOptions(requestOptions);
  const resource = options.resource ?? options.path.split('/').pop() ?? '';
  let answer: { code: number; body: unknown };
  try {
    answer = await send(url, requestOptions, options.timeoutMs ?? 60_000);
  } catch (error) {
    options.onRequest?.({ verb: 'list', resource, code: 0 });
    throw error;
  }
  options.onRequest?.({ verb: 'list', resource, code: answer.code });
  if (answer.code !== 200) {
    throw new RawListError(`list ${options.path}: ${statusMessage(answer.body, `HTTP ${answer.code}`)}`, answer.code, answer.body);
  }
  return answer.body as k8s.KubernetesListObject<T>;
}
