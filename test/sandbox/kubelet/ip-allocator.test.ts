import { createIpAllocator, ipPrefixOctetRange, parseIpPrefix } from '../../../src/sandbox/kubelet/ip-allocator.js';
import { createSeededRandom } from '../../../src/sandbox/kubelet/random.js';

describe('createIpAllocator', () => {
  test.each([1, 2, 3, 42, 1000])('seed %i picks a 127.P prefix inside the range, never 127.0', (seed) => {
    const allocator = createIpAllocator({ random: createSeededRandom(seed) });
    const octet = Number(allocator.prefix.split('.')[1]);
    expect(allocator.prefix).toMatch(/^127\.\d+$/);
    expect(octet).toBeGreaterThanOrEqual(ipPrefixOctetRange.min);
    expect(octet).toBeLessThanOrEqual(ipPrefixOctetRange.max);
  });

  test('different seeds spread over several prefixes', () => {
    const prefixes = new Set(Array.from({ length: 20 }, (_, seed) => createIpAllocator({ random: createSeededRandom(seed) }).prefix));
    expect(prefixes.size).toBeGreaterThan(10);
  });

  test('hands out distinct addresses under the given prefix, skipping .0 and .255 hosts', () => {
    const allocator = createIpAllocator({ prefix: '127.42', random: Math.random });
    const ips = Array.from({ length: 600 }, () => allocator.allocate());
    expect(new Set(ips).size).toBe(600);
    expect(ips[0]).toBe('127.42.0.1');
    expect(ips[253]).toBe('127.42.0.254');
    expect(ips[254]).toBe('127.42.1.1');
    for (const ip of ips) expect(ip).toMatch(/^127\.42\.\d+\.([1-9]|[1-9]\d|1\d\d|2[0-4]\d|25[0-4])$/);
    expect(allocator.inUse()).toBe(600);
  });

  test('a released address is not handed out again right away', () => {
    const allocator = createIpAllocator({ prefix: '127.42', random: Math.random });
    const first = allocator.allocate();
    allocator.release(first);
    expect(allocator.allocate()).not.toBe(first);
    expect(allocator.inUse()).toBe(1);
  });

  test('an address in use is never handed out twice, even after the range wraps', () => {
    const allocator = createIpAllocator({ prefix: '127.42', random: Math.random });
    const kept = allocator.allocate();
    const total = 256 * 254;
    const others = Array.from({ length: total - 1 }, () => allocator.allocate());
    expect(others).not.toContain(kept);
    expect(() => allocator.allocate()).toThrow(/no free address/);
    allocator.release(others[5] ?? '');
    expect(allocator.allocate()).toBe(others[5]);
  });
});

describe('parseIpPrefix', () => {
  test.each(['127.1', '127.42', '127.255'])('accepts %s', (prefix) => {
    expect(parseIpPrefix(prefix)).toBe(prefix);
  });
  test.each(['127.0', '10.1', '127.256', '127.1.2', '127.x', ''])('rejects %s', (prefix) => {
    expect(() => parseIpPrefix(prefix)).toThrow(/invalid ip prefix/);
  });
});
