/**
 * Keeps a reconcile from acting on a Rollout cache older than its own last status write.
 *
 * A reconcile executes its actions and then patches status. The watch events of those actions
 * (ReplicaSet, Mapping) can re-queue the Rollout before the event of the status patch reaches the
 * Rollout cache; a reconcile then would plan again from the previous status and repeat side effects
 * (a Mapping weight written twice, duplicate Events) before its own status patch fails with 409.
 * The guard remembers, per Rollout, the resourceVersion a successful status write was based on; while
 * the cache still holds exactly that version the reconcile waits for the cache instead.
 */
export class StaleCacheGuard {
  private readonly basedOn = new Map<string, string>();

  /** True while the cached Rollout is the version our last status write replaced. */
  isStale(key: string, cachedResourceVersion: string | undefined): boolean {
    const written = this.basedOn.get(key);
    if (written === undefined) return false;
    if (written === cachedResourceVersion) return true;
    this.basedOn.delete(key);
    return false;
  }

  /** Records a status write made from the Rollout at `basedOnResourceVersion`. */
  recordWrite(key: string, basedOnResourceVersion: string | undefined): void {
    if (basedOnResourceVersion === undefined) this.basedOn.delete(key);
    else this.basedOn.set(key, basedOnResourceVersion);
  }

  forget(key: string): void {
    this.basedOn.delete(key);
  }
}
