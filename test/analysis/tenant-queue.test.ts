import { TenantQueue } from '../../src/analysis/tenant-queue.js';

describe('TenantQueue', () => {
  test('serves tenants in turn, each in its own order', () => {
    const queue = new TenantQueue<string>();
    for (const item of ['a1', 'a2', 'a3']) queue.push('a', item);
    queue.push('b', 'b1');
    queue.push('c', 'c1');
    queue.push('b', 'b2');
    expect(queue.length).toBe(6);
    const served: string[] = [];
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
      served.push(item);
      queue.done(item.slice(0, 1));
    }
    expect(served).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'a3']);
    expect(queue.length).toBe(0);
    expect(queue.shift()).toBeUndefined();
  });

  test('a tenant that comes back after emptying its queue waits for its turn', () => {
    const queue = new TenantQueue<string>();
    queue.push('a', 'a1');
    queue.push('b', 'b1');
    expect(queue.shift()).toBe('a1');
    queue.done('a');
    queue.push('a', 'a2');
    expect(queue.shift()).toBe('b1');
    expect(queue.shift()).toBe('a2');
  });

  test('a tenant with an item in progress waits behind one without, whatever the order of arrival', () => {
    const queue = new TenantQueue<string>();
    queue.push('hostile', 'h1');
    expect(queue.shift()).toBe('h1');
    queue.push('hostile', 'h2');
    queue.push('hostile', 'h3');
    queue.push('other', 'o1');
    expect(queue.shift()).toBe('o1');
    expect(queue.shift()).toBe('h2');
    queue.done('hostile');
    queue.done('other');
    queue.done('hostile');
    expect(queue.shift()).toBe('h3');
  });

  test('drain hands back what waits, in turn order, and counts nothing as in progress', () => {
    const queue = new TenantQueue<string>();
    queue.push('a', 'a1');
    queue.push('b', 'b1');
    queue.push('a', 'a2');
    expect(queue.drain()).toEqual(['a1', 'a2', 'b1']);
    expect(queue.length).toBe(0);
    queue.push('b', 'b2');
    expect(queue.shift()).toBe('b2');
  });
});
