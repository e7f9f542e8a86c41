import { createEgressPolicy, parseEgressRule, type EgressPolicyOptions } from '../../src/analysis/egress-policy.js';
import { createGuardedLookup } from '../../src/analysis/egress-lookup.js';

const locals = { localAddresses: ['10.9.9.9'] };

function decide(options: EgressPolicyOptions, hostname: string, address: string, port = 80, namespace = 'team-a') {
  return createEgressPolicy({ ...locals, ...options }).check({ hostname, address, port, namespace });
}

describe('egress rules', () => {
  test.each([
    ['10.0.0.0/8', 'cidr'],
    ['fd00::/8', 'cidr'],
    ['10.1.2.3', 'cidr'],
    ['::1', 'cidr'],
    ['prometheus.monitoring.svc', 'host'],
    ['*.example.com', 'host'],
    ['*.{namespace}.svc', 'host'],
  ])('%s is a %s rule', (text, kind) => {
    expect(parseEgressRule(text)).toMatchObject({ kind });
  });

  test.each(['10.0.0.0/40', 'http://x', 'a b', '*'])('%s is refused', (text) => {
    expect(typeof parseEgressRule(text)).toBe('string');
  });
});

describe('egress decisions', () => {
  test.each<[string, EgressPolicyOptions, string, string, number, boolean]>([
    ['own-namespace Service', {}, 'api.team-a.svc', '10.96.0.10', 80, true],
    ['own-namespace Service, long form', {}, 'api.team-a.svc.cluster.local', '10.96.0.10', 80, true],
    ['another namespace', {}, 'api.team-b.svc', '10.96.0.11', 80, false],
    ['another namespace, even inside an allowed CIDR', { allow: ['10.0.0.0/8'] }, 'api.team-b.svc.cluster.local', '10.96.0.11', 80, false],
    ['another namespace named by an operator rule', { allow: ['*.shared.svc'] }, 'api.shared.svc', '10.96.0.11', 80, true],
    ['a port-named Service of its own namespace', {}, 'http.api.team-a.svc', '10.96.0.10', 80, true],
    ['a public host by default', {}, 'example.com', '93.184.216.34', 443, false],
    ['loopback by default', {}, '127.0.0.1', '127.0.0.1', 8080, false],
    ['loopback when allowed', { allow: ['127.0.0.0/8'] }, '127.0.0.7', '127.0.0.7', 8080, true],
    ['localhost (by name) when its address is allowed', { allow: ['127.0.0.0/8'] }, 'localhost', '127.0.0.1', 8080, true],
    ['the Prometheus host', { builtInAllow: ['prometheus.monitoring'] }, 'prometheus.monitoring', '10.96.0.20', 9090, true],
    ['metadata by address', {}, '169.254.169.254', '169.254.169.254', 80, false],
    ['metadata as IPv4-mapped IPv6', {}, '::ffff:169.254.169.254', '::ffff:169.254.169.254', 80, false],
    ['metadata over IPv6', {}, 'fd00:ec2::254', 'fd00:ec2::254', 80, false],
    ['IPv6 link-local', { allow: ['::/0'] }, 'fe80::1', 'fe80::1', 80, false],
    ['metadata even under 0.0.0.0/0', { allow: ['0.0.0.0/0'] }, '169.254.169.254', '169.254.169.254', 80, false],
    ['metadata when explicitly allowed', { allow: ['169.254.169.254/32'] }, '169.254.169.254', '169.254.169.254', 80, true],
    ['an allowed name resolving to metadata', { allow: ['evil.example.com'] }, 'evil.example.com', '169.254.169.254', 80, false],
    ['metadata.google.internal', { allow: ['0.0.0.0/0'] }, 'metadata.google.internal', '10.0.0.1', 80, false],
    ['an operator deny beats an allow', { allow: ['10.0.0.0/8'], deny: ['10.1.0.0/16'] }, '10.1.2.3', '10.1.2.3', 80, false],
    ['a denied name', { allow: ['0.0.0.0/0'], deny: ['*.internal.corp'] }, 'db.internal.corp', '10.0.0.5', 80, false],
    ['the controller port on loopback', { allow: ['127.0.0.0/8'], ownPorts: [8090] }, '127.0.0.1', '127.0.0.1', 8090, false],
    ['the controller port on its own address', { allow: ['10.0.0.0/8'], ownPorts: [8090] }, '10.9.9.9', '10.9.9.9', 8090, false],
    ['the same port elsewhere', { allow: ['10.0.0.0/8'], ownPorts: [8090] }, '10.9.9.8', '10.9.9.8', 8090, true],
    ['anything with unmatched allow', { unmatched: 'allow' }, 'example.com', '93.184.216.34', 443, true],
    ['metadata with unmatched allow', { unmatched: 'allow' }, '169.254.169.254', '169.254.169.254', 80, false],
  ])('%s', (_name, options, hostname, address, port, allowed) => {
    expect(decide(options, hostname, address, port).allowed).toBe(allowed);
  });

  test('a refusal says why and how to loosen it', () => {
    expect(decide({}, '169.254.169.254', '169.254.169.254')).toEqual({
      allowed: false,
      reason: '169.254.169.254 is in 169.254.0.0/16 (link-local / cloud metadata), denied by default (allow it with --analysis-egress-allow 169.254.169.254)',
    });
    expect(decide({}, 'example.com', '93.184.216.34')).toMatchObject({ allowed: false, reason: expect.stringContaining('not an allowed destination') });
  });
});

describe('the guarded lookup checks the resolved address, not the name', () => {
  const policy = createEgressPolicy({ allow: ['evil.example.com', '127.0.0.0/8'] });
  const lookupAll = (resolveTo: string[], host: string) =>
    new Promise<{ error: Error | null; addresses: unknown }>((resolve) => {
      const lookup = createGuardedLookup({
        policy,
        namespace: 'team-a',
        port: 80,
        resolve: (_h, _o, callback) => callback(null, resolveTo.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))),
      });
      lookup(host, { all: true }, (error, addresses) => resolve({ error, addresses }));
    });

  test('a hostname resolving to 169.254.169.254 is refused', async () => {
    const { error } = await lookupAll(['169.254.169.254'], 'evil.example.com');
    expect(error?.message).toContain('169.254.0.0/16');
  });

  test('only the allowed addresses of a mixed answer are returned', async () => {
    const { error, addresses } = await lookupAll(['169.254.169.254', '127.0.0.2'], 'evil.example.com');
    expect(error).toBeNull();
    expect(addresses).toEqual([{ address: '127.0.0.2', family: 4 }]);
  });

  test("another namespace's Service name is refused before it is resolved, naming both namespaces", async () => {
    const { error } = await lookupAll(['127.0.0.3'], 'web.team-b.svc.cluster.local');
    expect(error?.message).toContain('"web.team-b.svc.cluster.local" is a Service of namespace team-b; analysis in namespace team-a may reach only its own namespace\'s Services (allow it with --analysis-egress-allow web.team-b.svc.cluster.local)');
  });

  test('a cloud metadata name is refused before it is resolved', async () => {
    const { error } = await lookupAll(['10.0.0.1'], 'metadata.google.internal');
    expect(error?.message).toContain('cloud metadata name');
  });
});
