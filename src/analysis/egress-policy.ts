// Where the analysis providers may connect (docs/security.md). A destination is checked AFTER DNS
// resolution, on the address actually dialled (egress-lookup.ts), for web and Prometheus alike.
//
// Rules are CIDRs (`10.0.0.0/8`, `fd00::/8`), single addresses (`10.1.2.3`), hostnames
// (`prometheus.monitoring.svc`) and hostname wildcards (`*.example.com`: one or more labels);
// `{namespace}` in a hostname rule stands for the AnalysisRun's own namespace. Decision order:
//   1. an operator deny rule (--analysis-egress-deny) matches           -> refused
//   2. the port is one of the controller's own listeners on this host  -> refused
//   3. an operator allow CIDR/address matches and no built-in deny range is more specific -> allowed
//   4. a built-in deny matches (link-local, cloud metadata)             -> refused
//   5. an allow hostname (operator's) or a built-in allow (own-namespace Services, the Prometheus
//      address's host) matches                                        -> allowed
//   6. anything else                                                    -> refused (`unmatched`)
import { networkInterfaces } from 'node:os';
import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

export type EgressRule =
  | { kind: 'cidr'; text: string; range: [Address, number] }
  | { kind: 'host'; text: string; pattern: string };

/** Denied unless an operator allow rule at least as specific says otherwise. */
export const DEFAULT_EGRESS_DENY: readonly string[] = [
  '169.254.0.0/16', // IPv4 link-local, including 169.254.169.254 (AWS, GCP, Azure, OpenStack metadata)
  'fe80::/10', // IPv6 link-local
  'fd00:ec2::254/128', // AWS metadata over IPv6
  '100.100.100.200/32', // Alibaba Cloud metadata
  'metadata.google.internal',
  'metadata',
];

/** Allowed without configuration: the Services of the run's own namespace. */
export const DEFAULT_EGRESS_ALLOW: readonly string[] = ['*.{namespace}.svc', '*.{namespace}.svc.cluster.local'];

export interface EgressPolicyOptions {
  /** Operator allow rules (--analysis-egress-allow). */
  allow?: readonly string[];
  /** Operator deny rules (--analysis-egress-deny). */
  deny?: readonly string[];
  /** Built-in allow rules beside DEFAULT_EGRESS_ALLOW, e.g. the Prometheus address's host. */
  builtInAllow?: readonly string[];
  /** The controller's own listening ports (metrics, health), refused on this host's addresses. */
  ownPorts?: readonly number[];
  /** This host's addresses (default: every interface's, plus loopback). */
  localAddresses?: readonly string[];
  /** What happens to a destination no rule matches (default `deny`; `allow` only for tools and tests). */
  unmatched?: 'deny' | 'allow';
}

export interface EgressTarget {
  /** As written in the URL (lower case, no brackets, no trailing dot). */
  hostname: string;
  /** The resolved address about to be dialled. */
  address: string;
  port: number;
  /** The AnalysisRun's namespace. */
  namespace: string;
}

export type EgressDecision = { allowed: true } | { allowed: false; reason: string };

export interface EgressPolicy {
  /** A decision for a hostname alone, before resolution (deny rules on names, e.g. metadata hosts). */
  checkHostname(hostname: string, namespace: string): EgressDecision;
  check(target: EgressTarget): EgressDecision;
}

const HOSTNAME = /^(\*\.)?([a-z0-9_]([-a-z0-9_]*[a-z0-9_])?|\{namespace\})(\.([a-z0-9_]([-a-z0-9_]*[a-z0-9_])?|\{namespace\}))*$/;

/** Parses one rule; a string is the reason it is not one. */
export function parseEgressRule(text: string): EgressRule | string {
  const trimmed = text.trim().toLowerCase().replace(/\.$/, '');
  const cidr = /^[0-9a-f:.]+\/\d+$/.test(trimmed) ? trimmed : undefined;
  if (cidr !== undefined) {
    return ipaddr.isValidCIDR(cidr) ? { kind: 'cidr', text: trimmed, range: ipaddr.parseCIDR(cidr) } : `"${text}" is not a valid CIDR`;
  }
  if (ipaddr.isValid(trimmed) && (ipaddr.IPv6.isValid(trimmed) || ipaddr.IPv4.isValidFourPartDecimal(trimmed))) {
    const address = ipaddr.parse(trimmed);
    return { kind: 'cidr', text: trimmed, range: [address, address.kind() === 'ipv4' ? 32 : 128] };
  }
  if (HOSTNAME.test(trimmed)) return { kind: 'host', text: trimmed, pattern: trimmed };
  return `"${text}" is neither a CIDR, an IP address nor a hostname pattern`;
}

/** Parses a list of rules; throws naming every bad one. */
export function parseEgressRules(texts: readonly string[]): EgressRule[] {
  const parsed = texts.map(parseEgressRule);
  const problems = parsed.filter((r): r is string => typeof r === 'string');
  if (problems.length > 0) throw new Error(problems.join('; '));
  return parsed as EgressRule[];
}

/** `::ffff:a.b.c.d` is treated as a.b.c.d. */
export function normaliseAddress(address: string): Address | undefined {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  return ipaddr.isValid(bare) ? ipaddr.process(bare) : undefined;
}

function inRange(address: Address, range: [Address, number]): boolean {
  return address.kind() === range[0].kind() && address.match(range);
}

function hostMatches(pattern: string, hostname: string, namespace: string): boolean {
  const resolved = pattern.split('{namespace}').join(namespace);
  if (!resolved.startsWith('*.')) return hostname === resolved;
  const suffix = resolved.slice(1);
  return hostname.endsWith(suffix) && hostname.length > suffix.length;
}

function ruleMatches(rule: EgressRule, target: Pick<EgressTarget, 'hostname' | 'namespace'> & { parsed?: Address }): boolean {
  if (rule.kind === 'host') return hostMatches(rule.pattern, target.hostname, target.namespace);
  return target.parsed !== undefined && inRange(target.parsed, rule.range);
}

function defaultLocalAddresses(): string[] {
  const addresses = Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address));
  return [...addresses, '127.0.0.1', '::1', '0.0.0.0', '::'];
}

const HOW_TO_ALLOW = 'allow it with --analysis-egress-allow';

class RulePolicy implements EgressPolicy {
  private readonly allow: EgressRule[];
  private readonly deny: EgressRule[];
  private readonly builtInDeny: EgressRule[];
  private readonly builtInAllow: EgressRule[];
  private readonly ownPorts: Set<number>;
  private readonly localAddresses: Address[];
  private readonly unmatched: 'deny' | 'allow';

  constructor(options: EgressPolicyOptions) {
    this.allow = parseEgressRules(options.allow ?? []);
    this.deny = parseEgressRules(options.deny ?? []);
    this.builtInDeny = parseEgressRules(DEFAULT_EGRESS_DENY);
    this.builtInAllow = parseEgressRules([...DEFAULT_EGRESS_ALLOW, ...(options.builtInAllow ?? [])]);
    this.ownPorts = new Set(options.ownPorts ?? []);
    const locals = options.localAddresses ?? defaultLocalAddresses();
    this.localAddresses = locals.map(normaliseAddress).filter((a): a is Address => a !== undefined);
    this.unmatched = options.unmatched ?? 'deny';
  }

  checkHostname(hostname: string, namespace: string): EgressDecision {
    const target = { hostname, namespace };
    const denied = this.deny.find((r) => r.kind === 'host' && ruleMatches(r, target));
    if (denied !== undefined) return { allowed: false, reason: `"${hostname}" is denied by --analysis-egress-deny ${denied.text}` };
    const builtIn = this.builtInDeny.find((r) => r.kind === 'host' && ruleMatches(r, target));
    const unlocked = this.allow.some((r) => r.kind === 'host' && r.pattern === hostname);
    if (builtIn !== undefined && !unlocked) {
      return { allowed: false, reason: `"${hostname}" is a cloud metadata name, denied by default (${HOW_TO_ALLOW} ${hostname})` };
    }
    return this.checkServiceNamespace(hostname, namespace);
  }

  /**
   * A Service DNS name (`NAME.NS.svc`, `NAME.NS.svc.cluster.local`) of another namespace is refused
   * by name, before any lookup, unless an operator hostname rule allows it: whatever address it
   * resolves to, it names a destination outside the tenant's namespace.
   */
  private checkServiceNamespace(hostname: string, namespace: string): EgressDecision {
    const other = /^[^.]+(?:\.[^.]+)*?\.([^.]+)\.svc(?:\.cluster\.local)?$/.exec(hostname)?.[1];
    if (other === undefined || other === namespace) return { allowed: true };
    if (this.allow.some((r) => r.kind === 'host' && hostMatches(r.pattern, hostname, namespace))) return { allowed: true };
    return {
      allowed: false,
      reason: `"${hostname}" is a Service of namespace ${other}; analysis in namespace ${namespace} may reach only its own namespace's Services (${HOW_TO_ALLOW} ${hostname})`,
    };
  }

  check(target: EgressTarget): EgressDecision {
    const parsed = normaliseAddress(target.address);
    if (parsed === undefined) return { allowed: false, reason: `"${target.address}" is not an IP address` };
    const subject = { ...target, parsed };
    const where = target.hostname === target.address ? target.address : `${target.hostname} (${target.address})`;
    const denied = this.deny.find((r) => ruleMatches(r, subject));
    if (denied !== undefined) return { allowed: false, reason: `${where} is denied by --analysis-egress-deny ${denied.text}` };
    if (this.ownPorts.has(target.port) && this.isLocal(parsed)) {
      return { allowed: false, reason: `${where} port ${target.port} is one of the controller's own listeners` };
    }
    const hostDecision = this.checkHostname(target.hostname, target.namespace);
    if (!hostDecision.allowed) return hostDecision;
    return this.checkAddress(subject, where);
  }

  private checkAddress(subject: EgressTarget & { parsed: Address }, where: string): EgressDecision {
    const allowCidr = this.allow.filter((r): r is Extract<EgressRule, { kind: 'cidr' }> => r.kind === 'cidr' && ruleMatches(r, subject));
    const builtInDeny = this.builtInDeny.find((r): r is Extract<EgressRule, { kind: 'cidr' }> => r.kind === 'cidr' && ruleMatches(r, subject));
    if (builtInDeny !== undefined) {
      const unlocked = allowCidr.some((r) => r.range[1] >= builtInDeny.range[1]);
      if (unlocked) return { allowed: true };
      return { allowed: false, reason: `${where} is in ${builtInDeny.text} (link-local / cloud metadata), denied by default (${HOW_TO_ALLOW} ${subject.address})` };
    }
    if (allowCidr.length > 0) return { allowed: true };
    const byName = this.allow.some((r) => r.kind === 'host' && ruleMatches(r, subject));
    const builtIn = this.builtInAllow.some((r) => ruleMatches(r, subject));
    if (byName || builtIn || this.unmatched === 'allow') return { allowed: true };
    return {
      allowed: false,
      reason: `${where} is not an allowed destination (allowed: Services of namespace ${subject.namespace}, the Prometheus address, and --analysis-egress-allow)`,
    };
  }

  private isLocal(address: Address): boolean {
    if (address.range() === 'loopback' || address.range() === 'unspecified') return true;
    return this.localAddresses.some((local) => local.kind() === address.kind() && local.toNormalizedString() === address.toNormalizedString());
  }
}

export function createEgressPolicy(options: EgressPolicyOptions = {}): EgressPolicy {
  return new RulePolicy(options);
}

/** The host of a URL as an allow rule: its name, or its address as a /32 or /128. */
export function hostRuleOf(url: string): string | undefined {
  if (!URL.canParse(url)) return undefined;
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === '' ? undefined : host;
}
