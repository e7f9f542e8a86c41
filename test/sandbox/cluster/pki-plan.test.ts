import { KUBERNETES_SERVICE_IP, opensslCommands, opensslConfig, pkiFiles } from '../../../src/sandbox/cluster/pki-plan.js';

const files = pkiFiles('/p');

function outputs(commands: string[][]): string[] {
  return commands.flatMap((args) => {
    const i = args.indexOf('-out');
    const k = args.indexOf('-keyout');
    return [i >= 0 ? args[i + 1] : undefined, k >= 0 ? args[k + 1] : undefined].filter((x): x is string => !!x);
  });
}

describe('opensslCommands', () => {
  const commands = opensslCommands(files);

  test('creates every file of the PKI except the config', () => {
    const created = new Set(outputs(commands));
    const wanted = Object.entries(files).filter(([k]) => k !== 'opensslConfig').map(([, v]) => v);
    expect(wanted.filter((f) => !created.has(f))).toEqual([]);
  });

  test('the CA is created before anything is signed with it', () => {
    const firstUse = commands.findIndex((args) => args.includes('-CA'));
    const caCreated = commands.findIndex((args) => args.includes(files.caCert) && args.includes('-x509'));
    expect(caCreated).toBe(0);
    expect(firstUse).toBeGreaterThan(caCreated);
  });

  test.each([
    [files.adminCert, '/O=system:masters/CN=kanary-admin', 'v3_client'],
    [files.controllerManagerCert, '/O=system:masters/CN=system:kube-controller-manager', 'v3_client'],
    [files.serverCert, '/CN=kube-apiserver', 'v3_server'],
  ])('%s has subject %s and %s extensions', (cert, subject, extensions) => {
    const csr = commands.find((args) => args.includes(`${cert}.csr`) && args.includes('-subj'));
    const sign = commands.find((args) => args.includes('-CA') && args.includes(cert));
    expect(csr?.[csr.indexOf('-subj') + 1]).toBe(subject);
    expect(sign?.[sign.indexOf('-extensions') + 1]).toBe(extensions);
  });

  test('serials differ between signed certificates', () => {
    const serials = commands.filter((a) => a.includes('-set_serial')).map((a) => a[a.indexOf('-set_serial') + 1]);
    expect(new Set(serials).size).toBe(serials.length);
  });
});

test('the serving certificate is valid for loopback and the kubernetes Service', () => {
  const config = opensslConfig();
  expect(config).toContain('IP.1 = 127.0.0.1');
  expect(config).toContain(`IP.2 = ${KUBERNETES_SERVICE_IP}`);
  expect(config).toContain('= kubernetes.default.svc');
  expect(config).toContain('= localhost');
});
