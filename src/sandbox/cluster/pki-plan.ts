import { join } from 'node:path';

/**
 * The certificates of a local cluster and the openssl invocations that make them. Pure: the
 * commands are data, pki.ts runs them. EC P-256 for TLS (fast to generate), RSA for the
 * service-account signing key (RS256 tokens).
 */
export interface PkiFiles {
  opensslConfig: string;
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  adminCert: string;
  adminKey: string;
  controllerManagerCert: string;
  controllerManagerKey: string;
  serviceAccountKey: string;
  serviceAccountPub: string;
  /** Serving certificate of kanary-emissary-conversion (the CRD conversion webhook on 127.0.0.1). */
  conversionCert: string;
  conversionKey: string;
}

export function pkiFiles(pkiDir: string): PkiFiles {
  const f = (name: string): string => join(pkiDir, name);
  return {
    opensslConfig: f('openssl.cnf'),
    caCert: f('ca.crt'),
    caKey: f('ca.key'),
    serverCert: f('apiserver.crt'),
    serverKey: f('apiserver.key'),
    adminCert: f('admin.crt'),
    adminKey: f('admin.key'),
    controllerManagerCert: f('controller-manager.crt'),
    controllerManagerKey: f('controller-manager.key'),
    serviceAccountKey: f('sa.key'),
    serviceAccountPub: f('sa.pub'),
    conversionCert: f('emissary-conversion.crt'),
    conversionKey: f('emissary-conversion.key'),
  };
}

/** The first address of the service range: the `kubernetes` Service's ClusterIP. */
export const SERVICE_CLUSTER_IP_RANGE = '10.0.0.0/24';
export const KUBERNETES_SERVICE_IP = '10.0.0.1';

export const SERVER_NAMES = [
  'localhost',
  'kubernetes',
  'kubernetes.default',
  'kubernetes.default.svc',
  'kubernetes.default.svc.cluster.local',
];

export function opensslConfig(): string {
  const dns = SERVER_NAMES.map((name, i) => `DNS.${i + 1} = ${name}`);
  return [
    '[req]',
    'distinguished_name = dn',
    'prompt = no',
    '[dn]',
    'CN = kanary',
    '[v3_ca]',
    'basicConstraints = critical, CA:TRUE',
    'keyUsage = critical, keyCertSign, cRLSign, digitalSignature',
    'subjectKeyIdentifier = hash',
    '[v3_server]',
    'basicConstraints = critical, CA:FALSE',
    'keyUsage = critical, digitalSignature, keyEncipherment',
    'extendedKeyUsage = serverAuth',
    'subjectAltName = @alt',
    '[v3_client]',
    'basicConstraints = critical, CA:FALSE',
    'keyUsage = critical, digitalSignature, keyEncipherment',
    'extendedKeyUsage = clientAuth',
    '[alt]',
    ...dns,
    'IP.1 = 127.0.0.1',
    `IP.2 = ${KUBERNETES_SERVICE_IP}`,
    '',
  ].join('\n');
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
const DAYS = ['-days', '3650'];

interface LeafCert {
  cert: string;
  key: string;
  subject: string;
  extensions: 'v3_server' | 'v3_client';
}

function leafCommands(files: PkiFiles, leaf: LeafCert, serial: string): string[][] {
  const csr = `${leaf.cert}.csr`;
  return [
    ['req', '-new', ...EC, '-keyout', leaf.key, '-out', csr, '-subj', leaf.subject, '-config', files.opensslConfig],
    [
      'x509', '-req', '-in', csr, '-CA', files.caCert, '-CAkey', files.caKey, '-set_serial', serial,
      ...DAYS, '-extfile', files.opensslConfig, '-extensions', leaf.extensions, '-out', leaf.cert,
    ],
  ];
}

/** openssl argument lists, in order, that create every file of `files` (config file excluded). */
export function opensslCommands(files: PkiFiles): string[][] {
  const leaves: LeafCert[] = [
    { cert: files.serverCert, key: files.serverKey, subject: '/CN=kube-apiserver', extensions: 'v3_server' },
    { cert: files.adminCert, key: files.adminKey, subject: '/O=system:masters/CN=kanary-admin', extensions: 'v3_client' },
    {
      cert: files.controllerManagerCert,
      key: files.controllerManagerKey,
      subject: '/O=system:masters/CN=system:kube-controller-manager',
      extensions: 'v3_client',
    },
    { cert: files.conversionCert, key: files.conversionKey, subject: '/CN=kanary-emissary-conversion', extensions: 'v3_server' },
  ];
  return [
    [
      'req', '-x509', '-new', ...EC, '-keyout', files.caKey, '-out', files.caCert, ...DAYS,
      '-subj', '/CN=kanary-local-ca', '-config', files.opensslConfig, '-extensions', 'v3_ca',
    ],
    ...leaves.flatMap((leaf, i) => leafCommands(files, leaf, String(i + 2))),
    ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', files.serviceAccountKey],
    ['pkey', '-in', files.serviceAccountKey, '-pubout', '-out', files.serviceAccountPub],
  ];
}
