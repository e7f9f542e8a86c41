import type { ClusterPaths } from './cluster-paths.js';
import { SERVICE_CLUSTER_IP_RANGE, pkiFiles } from './pki-plan.js';

/** Command lines of etcd, kube-apiserver and kube-controller-manager. Pure. */

export interface ClusterPorts {
  etcdClient: number;
  etcdPeer: number;
  apiserver: number;
}

export interface ComponentArgsInput {
  paths: ClusterPaths;
  ports: ClusterPorts;
}

/**
 * The controllers a real cluster runs for the objects the local stack uses. Not `endpoint`: core/v1
 * Endpoints reject loopback pod IPs (EndpointSlices take them), so it would only log rejections.
 */
export const CONTROLLERS = [
  'namespace',
  'garbagecollector',
  'serviceaccount',
  'serviceaccount-token',
  'root-ca-cert-publisher',
  'replicaset',
  'deployment',
  'endpointslice',
  'resourcequota',
  'job',
];

/** The admission plugins of a hardened production API server (besides the default ones). */
export const ADMISSION_PLUGINS = [
  'NodeRestriction',
  'OwnerReferencesPermissionEnforcement',
  'PodSecurity',
  'ResourceQuota',
  'LimitRanger',
  'ServiceAccount',
];

/**
 * kube-apiserver's admission configuration: Pod Security `baseline` enforced on every namespace
 * without its own `pod-security.kubernetes.io/enforce` label (a namespace labels itself
 * `restricted`, as the controller's namespace does).
 */
export function admissionConfiguration(): object {
  return {
    apiVersion: 'apiserver.config.k8s.io/v1',
    kind: 'AdmissionConfiguration',
    plugins: [
      {
        name: 'PodSecurity',
        configuration: {
          apiVersion: 'pod-security.admission.config.k8s.io/v1',
          kind: 'PodSecurityConfiguration',
          defaults: { enforce: 'baseline', 'enforce-version': 'latest', audit: 'restricted', 'audit-version': 'latest' },
          exemptions: { usernames: [], runtimeClasses: [], namespaces: ['kube-system'] },
        },
      },
    ],
  };
}

/**
 * kube-apiserver's audit policy: every request of a ServiceAccount (the in-cluster controller's
 * pods, a test's token) at level Metadata, once complete; nothing of anyone else. Each event names
 * the user, the verb and resource, the response code and, for a bound token, its credential id
 * (`authentication.kubernetes.io/credential-id: JTI=...` in user.extra), so a test can tell which
 * of a pod's tokens a request carried and whether any was refused.
 */
export function auditPolicy(): object {
  return {
    apiVersion: 'audit.k8s.io/v1',
    kind: 'Policy',
    omitStages: ['RequestReceived', 'ResponseStarted'],
    rules: [
      { level: 'Metadata', userGroups: ['system:serviceaccounts'] },
      { level: 'None' },
    ],
  };
}

/** The audit log is rotated at this many megabytes, keeping AUDIT_LOG_MAX_BACKUPS old files: 40 MB at most. */
export const AUDIT_LOG_MAX_SIZE_MB = 10;
export const AUDIT_LOG_MAX_BACKUPS = 3;

const LOOPBACK = '127.0.0.1';

export function etcdUrl(ports: ClusterPorts): string {
  return `http://${LOOPBACK}:${ports.etcdClient}`;
}

export function apiserverUrl(ports: ClusterPorts): string {
  return `https://${LOOPBACK}:${ports.apiserver}`;
}

export function etcdArgs({ paths, ports }: ComponentArgsInput): string[] {
  const client = etcdUrl(ports);
  const peer = `http://${LOOPBACK}:${ports.etcdPeer}`;
  return [
    '--name=kanary',
    `--data-dir=${paths.etcdData}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=kanary=${peer}`,
    '--initial-cluster-state=new',
    '--logger=zap',
    '--log-outputs=stderr',
    '--log-level=warn',
  ];
}

export function apiserverArgs({ paths, ports }: ComponentArgsInput): string[] {
  const pki = pkiFiles(paths.pki);
  return [
    `--etcd-servers=${etcdUrl(ports)}`,
    `--bind-address=${LOOPBACK}`,
    `--advertise-address=${LOOPBACK}`,
    `--secure-port=${ports.apiserver}`,
    `--cert-dir=${paths.apiserverCertDir}`,
    `--tls-cert-file=${pki.serverCert}`,
    `--tls-private-key-file=${pki.serverKey}`,
    `--client-ca-file=${pki.caCert}`,
    // What the API server shows the kubelet's log endpoint (pods/log), which takes only certificates
    // of the cluster CA. The serving certificate of that endpoint is not verified (no
    // --kubelet-certificate-authority): the kubelet makes its own, self-signed.
    `--kubelet-client-certificate=${pki.adminCert}`,
    `--kubelet-client-key=${pki.adminKey}`,
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${pki.serviceAccountPub}`,
    `--service-account-signing-key-file=${pki.serviceAccountKey}`,
    `--service-cluster-ip-range=${SERVICE_CLUSTER_IP_RANGE}`,
    '--authorization-mode=Node,RBAC',
    // As production clusters do: whether a privileged pod may run is Pod Security's decision.
    '--allow-privileged=true',
    '--endpoint-reconciler-type=none',
    `--enable-admission-plugins=${ADMISSION_PLUGINS.join(',')}`,
    `--admission-control-config-file=${paths.admissionConfig}`,
    `--audit-policy-file=${paths.auditPolicy}`,
    `--audit-log-path=${paths.auditLog}`,
    '--audit-log-format=json',
    `--audit-log-maxsize=${AUDIT_LOG_MAX_SIZE_MB}`,
    `--audit-log-maxbackup=${AUDIT_LOG_MAX_BACKUPS}`,
    // Written as each request completes, not in batches: a test reads what just happened.
    '--audit-log-mode=blocking',
    '--profiling=false',
    '--v=1',
  ];
}

export function controllerManagerArgs({ paths }: ComponentArgsInput): string[] {
  const pki = pkiFiles(paths.pki);
  return [
    `--kubeconfig=${paths.controllerManagerKubeconfig}`,
    `--controllers=${CONTROLLERS.join(',')}`,
    `--service-account-private-key-file=${pki.serviceAccountKey}`,
    `--root-ca-file=${pki.caCert}`,
    '--use-service-account-credentials=false',
    '--leader-elect=false',
    // No HTTPS serving: nothing scrapes it, and it would need one more port.
    '--secure-port=0',
    '--profiling=false',
    '--v=1',
  ];
}
