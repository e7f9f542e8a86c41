import { type RandomSource, randomInt } from './random.js';

/** Second octets a kubelet picks from at random: never 127.0.x.x (the usual loopback) nor 127.255. */
export const ipPrefixOctetRange = { min: 16, max: 250 } as const;

export interface IpAllocator {
  /** The `127.P` prefix every address starts with. */
  readonly prefix: string;
  /** A free address `127.P.x.y`; throws when all are in use. */
  allocate(): string;
  /** Frees an address; it is handed out again only after every other free one. */
  release(ip: string): void;
  inUse(): number;
}

export interface IpAllocatorOptions {
  /** `127.P`; chosen at random in ipPrefixOctetRange when absent. */
  prefix?: string;
  random: RandomSource;
}

const hostsPerPrefix = 256 * 254;

/** Validates a `127.P` prefix, P in 1..255. */
export function parseIpPrefix(prefix: string): string {
  const match = /^127\.(\d{1,3})$/.exec(prefix);
  const octet = match ? Number(match[1]) : NaN;
  if (!(octet >= 1 && octet <= 255)) {
    throw new Error(`invalid ip prefix "${prefix}": expected 127.P with P in 1..255 (127.0 is reserved)`);
  }
  return `127.${octet}`;
}

function addressAt(prefix: string, index: number): string {
  const third = Math.floor(index / 254);
  const fourth = (index % 254) + 1;
  return `${prefix}.${third}.${fourth}`;
}

/**
 * Hands out loopback addresses round-robin: a released address is reused only after the whole
 * range has been cycled, so a stale EndpointSlice rarely points at a new pod.
 */
export function createIpAllocator(options: IpAllocatorOptions): IpAllocator {
  const prefix = options.prefix !== undefined
    ? parseIpPrefix(options.prefix)
    : `127.${randomInt(options.random, ipPrefixOctetRange.min, ipPrefixOctetRange.max)}`;
  const used = new Set<string>();
  let cursor = 0;
  return {
    prefix,
    allocate() {
      for (let tries = 0; tries < hostsPerPrefix; tries += 1) {
        const ip = addressAt(prefix, cursor);
        cursor = (cursor + 1) % hostsPerPrefix;
        if (!used.has(ip)) {
          used.add(ip);
          return ip;
        }
      }
      throw new Error(`no free address left in ${prefix}.0.0/16`);
    },
    release(ip) {
      used.delete(ip);
    },
    inUse: () => used.size,
  };
}
