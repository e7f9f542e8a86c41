// A FIFO per tenant. The next item comes from the tenant with the fewest items in progress, and
// among those the one served least recently (never served first): a tenant with many waiting items
// delays another tenant's next item by at most one of its own per server, never by its backlog.

export class TenantQueue<T> {
  private readonly byTenant = new Map<string, T[]>();
  /** Tenants with waiting items, in the order they are served next. */
  private readonly turns: string[] = [];
  private count = 0;
  /** Items handed out and not yet `done`, per tenant. */
  private readonly active = new Map<string, number>();
  /** When each tenant was last served (a sequence number; one entry per tenant ever seen). */
  private readonly lastServed = new Map<string, number>();
  private served = 0;

  get length(): number {
    return this.count;
  }

  push(tenant: string, item: T): void {
    const waiting = this.byTenant.get(tenant);
    if (waiting) waiting.push(item);
    else {
      this.byTenant.set(tenant, [item]);
      this.turns.push(tenant);
    }
    this.count += 1;
  }

  /**
   * The next item: the oldest of the tenant with the fewest items in progress, served least
   * recently. Call `done(tenant)` when the item is finished.
   */
  shift(): T | undefined {
    if (this.turns.length === 0) return undefined;
    const pick = this.nextTurn();
    const [tenant] = this.turns.splice(pick, 1) as [string];
    const waiting = this.byTenant.get(tenant) ?? [];
    const item = waiting.shift();
    if (waiting.length > 0) this.turns.push(tenant);
    else this.byTenant.delete(tenant);
    this.count -= 1;
    this.active.set(tenant, (this.active.get(tenant) ?? 0) + 1);
    this.lastServed.set(tenant, this.served++);
    return item;
  }

  /** Index in `turns` of the tenant to serve: fewest in progress, then least recently served. */
  private nextTurn(): number {
    const rank = (t: string | undefined): [number, number] => [this.active.get(t ?? '') ?? 0, this.lastServed.get(t ?? '') ?? -1];
    let pick = 0;
    for (let i = 1; i < this.turns.length; i += 1) {
      const [busy, last] = rank(this.turns[i]);
      const [bestBusy, bestLast] = rank(this.turns[pick]);
      if (busy < bestBusy || (busy === bestBusy && last < bestLast)) pick = i;
    }
    return pick;
  }

  /** An item `shift` handed out for `tenant` is finished. */
  done(tenant: string): void {
    const left = (this.active.get(tenant) ?? 0) - 1;
    if (left > 0) this.active.set(tenant, left);
    else this.active.delete(tenant);
  }

  /** Removes and returns every waiting item (none counts as in progress). */
  drain(): T[] {
    const all = this.turns.flatMap((t) => this.byTenant.get(t) ?? []);
    this.byTenant.clear();
    this.turns.length = 0;
    this.count = 0;
    return all;
  }
}
