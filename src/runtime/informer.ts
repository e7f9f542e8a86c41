import * as k8s from '@kubernetes/client-node';
import type { Logger } from '../telemetry/logger.js';
import { isForbiddenError } from './forbidden.js';
import { rawList, type RequestRecord } from './raw-list.js';
import { buildCollectionPath, describeResource, type ResourceRef } from './resource-path.js';

export type ChangeType = 'add' | 'update' | 'delete';

/** Called for every cache change; controllers use it to enqueue keys, nothing more. */
export type ChangeHandler<T> = (object: T, type: ChangeType) => void;

export interface InformerOptions<T extends k8s.KubernetesObject> {
  kubeConfig: k8s.KubeConfig;
  resource: ResourceRef;
  labelSelector?: string;
  /** How to list the collection (default: a raw GET of the collection path). */
  listFn?: k8s.ListPromise<T>;
  /** Reports each list request (watches are not counted). */
  onRequest?: (record: RequestRecord) => void;
  /** Called with each list page's size before it is parsed (the heap guard). */
  beforeParse?: (bytes: number, what: string) => void;
  logger: Logger;
}

/** The outcome of one start attempt: whether list and watch both came up without an error. */
export interface StartOutcome {
  ok: boolean;
  error?: unknown;
}

/**
 * A typed informer over client-node's ListWatch: an in-memory cache of one collection kept current
 * by a watch (objects stored without metadata.managedFields), with change handlers and a `synced` flag (true once the first full list landed in the
 * cache). ListWatch relists by itself after 410 Gone; after any other error it stops, and
 * `InformerSupervisor` calls `start()` again with backoff.
 */
export class ResourceInformer<T extends k8s.KubernetesObject> {
  readonly name: string;
  private readonly listWatch: k8s.Informer<T> & k8s.ObjectCache<T>;
  private readonly logger: Logger;
  private readonly changeHandlers: Array<ChangeHandler<T>> = [];
  private readonly errorHandlers: Array<(error: unknown) => void> = [];
  private listedInAttempt = false;
  private errorInAttempt: unknown = undefined;
  private isSynced = false;
  private resolveSynced: () => void = () => undefined;
  private readonly syncedPromise: Promise<void>;

  constructor(options: InformerOptions<T>) {
    this.name = describeResource(options.resource);
    this.logger = options.logger.child({ informer: this.name });
    const path = buildCollectionPath(options.resource);
    const list = options.listFn ?? (() => rawList<T>({
      kubeConfig: options.kubeConfig, path, labelSelector: options.labelSelector,
      resource: options.resource.plural, onRequest: options.onRequest, beforeParse: options.beforeParse,
    }));
    const trackedList: k8s.ListPromise<T> = async () => {
      const result = await list();
      this.listedInAttempt = true;
      return result;
    };
    this.listWatch = k8s.makeInformer<T>(options.kubeConfig, path, trackedList, options.labelSelector);
    this.syncedPromise = new Promise((resolve) => { this.resolveSynced = resolve; });
    this.listWatch.on(k8s.ADD, (obj) => this.emit(obj, 'add'));
    this.listWatch.on(k8s.UPDATE, (obj) => this.emit(obj, 'update'));
    this.listWatch.on(k8s.DELETE, (obj) => this.emit(obj, 'delete'));
    this.listWatch.on(k8s.ERROR, (error) => this.handleError(error));
  }

  /** True once the first full list is in the cache (it stays true across restarts). */
  get synced(): boolean {
    return this.isSynced;
  }

  /** Resolves when `synced` first becomes true. */
  whenSynced(): Promise<void> {
    return this.syncedPromise;
  }

  onChange(handler: ChangeHandler<T>): void {
    this.changeHandlers.push(handler);
  }

  /** For the supervisor: called with each error after which the ListWatch has stopped. */
  onError(handler: (error: unknown) => void): void {
    this.errorHandlers.push(handler);
  }

  /** The cached object, or undefined (`namespace` empty or undefined for cluster-scoped kinds). */
  get(namespace: string | undefined, name: string): T | undefined {
    return this.listWatch.get(name, namespace || undefined);
  }

  /** Cached objects, all or of one namespace. */
  list(namespace?: string): readonly T[] {
    return this.listWatch.list(namespace);
  }

  /**
   * (Re)starts list and watch; resolves once the watch is connected or the attempt failed. Never
   * throws: a failure is reported to `onError` handlers and in the outcome.
   */
  async start(): Promise<StartOutcome> {
    this.listedInAttempt = false;
    this.errorInAttempt = undefined;
    try {
      await this.listWatch.start();
    } catch (error) {
      this.handleError(error);
    }
    if (this.listedInAttempt) this.markSynced();
    const error = this.errorInAttempt;
    return error === undefined ? { ok: true } : { ok: false, error };
  }

  async stop(): Promise<void> {
    await this.listWatch.stop();
  }

  private markSynced(): void {
    if (this.isSynced) return;
    this.isSynced = true;
    this.logger.debug('informer synced', { objects: this.listWatch.list().length });
    this.resolveSynced();
  }

  private emit(obj: T, type: ChangeType): void {
    // The cache holds this very object: drop the server-side-apply bookkeeping no reader uses (it is
    // often the larger part of a ReplicaSet or Endpoints object). Updates never send it back.
    if (obj.metadata?.managedFields) delete obj.metadata.managedFields;
    for (const handler of this.changeHandlers) {
      try {
        handler(obj, type);
      } catch (error) {
        this.logger.error('informer change handler threw', { error, type, object: obj.metadata?.name });
      }
    }
  }

  private handleError(error: unknown): void {
    this.errorInAttempt = error ?? new Error('informer stopped with an unknown error');
    // No permission to list or watch: serve an empty cache rather than blocking readiness forever.
    if (isForbiddenError(error)) this.markSynced();
    for (const handler of this.errorHandlers) handler(this.errorInAttempt);
  }
}
