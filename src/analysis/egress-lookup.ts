// Enforces the egress policy at connect time: a DNS `lookup` for the http/https agents that only
// returns addresses the policy allows, so the address checked is the address dialled (no DNS
// rebinding gap). Node dials IP-literal hosts without a lookup, so those are checked up front.
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { isIP } from 'node:net';
import type { EgressDecision, EgressPolicy } from './egress-policy.js';

export const EGRESS_DENIED_CODE = 'EKANARY_EGRESS_DENIED';

/** A connection the egress policy refused; `message` says which rule. */
export class EgressDeniedError extends Error {
  readonly code = EGRESS_DENIED_CODE;
  constructor(reason: string) {
    super(reason);
    this.name = 'EgressDeniedError';
  }
}

/** The shape of dns.lookup with `all: true`; replaceable so tests can make a name resolve anywhere. */
export type DnsLookupAll = (hostname: string, options: LookupOptions & { all: true }, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

export interface EgressContext {
  policy: EgressPolicy;
  /** The AnalysisRun's namespace (for `{namespace}` rules). */
  namespace: string;
  port: number;
  /** Name resolution (default: dns.lookup, i.e. the system resolver). */
  resolve?: DnsLookupAll;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

export function normaliseHostname(hostname: string): string {
  return hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
}

function filterAllowed(context: EgressContext, hostname: string, addresses: LookupAddress[]): LookupAddress[] | EgressDeniedError {
  const allowed: LookupAddress[] = [];
  let firstRefusal: string | undefined;
  for (const entry of addresses) {
    const decision = context.policy.check({ hostname, address: entry.address, port: context.port, namespace: context.namespace });
    if (decision.allowed) allowed.push(entry);
    else firstRefusal ??= decision.reason;
  }
  return allowed.length > 0 ? allowed : new EgressDeniedError(firstRefusal ?? `${hostname} resolved to no address`);
}

/** A `lookup` for net.connect that resolves, then drops every address the policy refuses. */
export function createGuardedLookup(context: EgressContext) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    const name = normaliseHostname(hostname);
    const early = context.policy.checkHostname(name, context.namespace);
    if (!early.allowed) {
      callback(new EgressDeniedError(early.reason), []);
      return;
    }
    const resolve: DnsLookupAll = context.resolve ?? dnsLookup;
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error !== null) {
        callback(error, []);
        return;
      }
      const allowed = filterAllowed(context, name, addresses);
      if (allowed instanceof EgressDeniedError) callback(allowed, []);
      else if (options.all === true) callback(null, allowed);
      else callback(null, allowed[0]?.address ?? '', allowed[0]?.family);
    });
  };
}

/** Fresh agents for one request (no pooling across measurements) whose connections go through the policy. */
export function createGuardedAgents(context: EgressContext): { httpAgent: HttpAgent; httpsAgent: HttpsAgent } {
  const lookup = createGuardedLookup(context);
  return {
    httpAgent: new HttpAgent({ keepAlive: false, lookup }),
    httpsAgent: new HttpsAgent({ keepAlive: false, lookup }),
  };
}

/** The decision for a URL whose host is an IP literal (Node connects to those without a lookup). */
export function checkLiteralHost(context: EgressContext, hostname: string): EgressDecision | undefined {
  const host = normaliseHostname(hostname);
  if (isIP(host) === 0) return undefined;
  return context.policy.check({ hostname: host, address: host, port: context.port, namespace: context.namespace });
}
