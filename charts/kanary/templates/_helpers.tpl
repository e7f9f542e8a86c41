{{/* Chart name, truncated to a DNS label. */}}
{{- define "kanary.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Release full name: the release name when it already contains the chart name. */}}
{{- define "kanary.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "kanary.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kanary.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "kanary.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "kanary.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: controller
{{- end -}}

{{- define "kanary.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "kanary.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "kanary.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* metrics.bindAddress as the HOST of --metrics-addr: an IPv6 address goes in brackets. */}}
{{- define "kanary.metricsHost" -}}
{{- $host := .Values.metrics.bindAddress | default "" -}}
{{- if and (contains ":" $host) (not (hasPrefix "[" $host)) -}}
{{- printf "[%s]" $host -}}
{{- else -}}
{{- $host -}}
{{- end -}}
{{- end -}}

{{/*
"true" when /metrics listens on every pod interface (bindAddress empty, 0.0.0.0 or ::), so a
Service can reach it; empty when it is bound to one address (loopback, for an in-pod scraper).
*/}}
{{- define "kanary.metricsExposed" -}}
{{- $host := .Values.metrics.bindAddress | default "" | trimPrefix "[" | trimSuffix "]" -}}
{{- if has $host (list "" "0.0.0.0" "::") -}}true{{- end -}}
{{- end -}}

{{/* The `kanary controller` flags (the image's entrypoint is `node bin/kanary.js controller`). */}}
{{- define "kanary.args" -}}
- {{ printf "--metrics-addr=%s:%v" (include "kanary.metricsHost" .) .Values.metrics.port | quote }}
- {{ printf "--health-probe-addr=:%v" .Values.probes.port | quote }}
{{- if not .Values.metrics.measuredValues }}
- "--metrics-measured-values=false"
{{- end }}
- {{ printf "--log-level=%s" .Values.logLevel | quote }}
- {{ printf "--workers=%v" .Values.workers | quote }}
- {{ printf "--analysis-workers=%v" .Values.analysisWorkers | quote }}
- {{ printf "--prometheus-address=%s" .Values.prometheusAddress | quote }}
- {{ printf "--ambassador-api-version=%s" .Values.ambassadorApiVersion | quote }}
- {{ printf "--mapping-propagation-delay=%s" .Values.mappingPropagationDelay | quote }}
{{- with .Values.watchNamespaces }}
- {{ printf "--namespace=%s" (join "," .) | quote }}
{{- end }}
- {{ printf "--leader-elect=%t" .Values.leaderElection.enabled | quote }}
{{- if .Values.leaderElection.enabled }}
- {{ printf "--lease-name=%s" .Values.leaderElection.leaseName | quote }}
- {{ printf "--lease-namespace=%s" .Release.Namespace | quote }}
- {{ printf "--lease-duration=%s" .Values.leaderElection.leaseDuration | quote }}
- {{ printf "--renew-deadline=%s" .Values.leaderElection.renewDeadline | quote }}
- {{ printf "--retry-period=%s" .Values.leaderElection.retryPeriod | quote }}
{{- end }}
{{- range .Values.extraArgs }}
- {{ . | quote }}
{{- end }}
{{- end -}}

{{/*
Namespaced RBAC rules: exactly the verbs `kanary controller` uses, on the resources it uses,
and nothing else. The same list goes into the ClusterRole (all namespaces) or into one Role per
watched namespace, so the two modes cannot drift apart.
*/}}
{{- define "kanary.namespacedRules" -}}
# Rollouts: informer (list, watch). The controller never writes a Rollout's spec or metadata;
# it writes status through the /status subresource only (merge patch).
- apiGroups: ["kanary.dev"]
  resources: ["rollouts"]
  verbs: ["list", "watch"]
- apiGroups: ["kanary.dev"]
  resources: ["rollouts/status"]
  verbs: ["patch"]
# Children carry ownerReferences with blockOwnerDeletion, which the OwnerReferencesPermissionEnforcement
# admission plugin allows only to who may update the owner's finalizers.
- apiGroups: ["kanary.dev"]
  resources: ["rollouts/finalizers"]
  verbs: ["update"]
# AnalysisRuns: informer; created for step and background analysis; `patch` sets
# spec.terminate on abort and promotion; `delete` prunes complete runs of earlier revisions past
# spec.analysis.{successful,unsuccessful}RunHistoryLimit. Their results go through /status.
- apiGroups: ["kanary.dev"]
  resources: ["analysisruns"]
  verbs: ["list", "watch", "create", "patch", "delete"]
- apiGroups: ["kanary.dev"]
  resources: ["analysisruns/status"]
  verbs: ["patch"]
# AnalysisTemplates: read through an informer only.
- apiGroups: ["kanary.dev"]
  resources: ["analysistemplates"]
  verbs: ["list", "watch"]
# spec.restartAt (kanary restart): pods created before it are evicted one budget at a time
# (an Eviction honours PodDisruptionBudgets); no pod delete.
- apiGroups: [""]
  resources: ["pods/eviction"]
  verbs: ["create"]
# ReplicaSets: informer; one created per pod-template hash, scaled by merge patch, old
# revisions deleted past revisionHistoryLimit.
- apiGroups: ["apps"]
  resources: ["replicasets"]
  verbs: ["list", "watch", "create", "patch", "delete"]
# Deployments: informer (a Rollout's spec.workloadRef takes its pod template from one); `patch`
# lowers only spec.replicas of the Deployment a Rollout names, as its scaleDown asks.
- apiGroups: ["apps"]
  resources: ["deployments"]
  verbs: ["list", "watch", "patch"]
# Services: informer; the controller patches only the rollouts-pod-template-hash key of the
# stable and canary Services' selectors. No create, update or delete.
- apiGroups: [""]
  resources: ["services"]
  verbs: ["list", "watch", "patch"]
# EndpointSlices (discovery.k8s.io/v1, those with a kubernetes.io/service-name label) and the pods
# of Kanary's ReplicaSets (label rollouts-pod-template-hash): informers. The canary
# weight rises only once the canary Service's ready endpoints are the canary pods (the
# endpointslice controller has caught up with its selector). No core v1 Endpoints access.
# Pods are patched only to put a blue/green Rollout's activeMetadata/previewMetadata on them.
- apiGroups: ["discovery.k8s.io"]
  resources: ["endpointslices"]
  verbs: ["list", "watch"]
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["list", "watch", "patch"]
# Ambassador/Emissary Mappings (v2 and v3alpha1 are versions of one group): informer over the
# base Mappings; the `<base>-canary` Mapping is created, replaced with a new weight (update,
# guarded by resourceVersion) and deleted at weight 0.
- apiGroups: ["getambassador.io"]
  resources: ["mappings"]
  verbs: ["list", "watch", "create", "update", "delete"]
# Events about Rollouts and AnalysisRuns: created, and patched to bump count of a repeated event.
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
{{- if .Values.rbac.analysisSecrets.enabled }}
{{- /* values.schema.json already refuses this; kept for renders with --skip-schema-validation. */}}
{{- if not .Values.rbac.analysisSecrets.resourceNames }}
{{- fail "rbac.analysisSecrets.enabled needs rbac.analysisSecrets.resourceNames: the Secrets analysis may read" }}
{{- end }}
# Secrets (only with rbac.analysisSecrets.enabled): `get` of the named Secrets, which AnalysisTemplate
# args read through valueFrom.secretKeyRef. Never list or watch, never an unnamed Secret.
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get"]
  resourceNames: {{ toJson .Values.rbac.analysisSecrets.resourceNames }}
{{- end }}
{{- end -}}

{{/* ClusterAnalysisTemplates are cluster-scoped: informer (list, watch) in every mode. */}}
{{- define "kanary.clusterRules" -}}
# ClusterAnalysisTemplates (cluster-scoped): read through an informer only.
- apiGroups: ["kanary.dev"]
  resources: ["clusteranalysistemplates"]
  verbs: ["list", "watch"]
{{- end -}}

{{/*
The V8 heap bound for the controller: heapPercentOfMemoryLimit of resources.limits.memory, in MiB
(Ki, Mi, Gi, K, M, G or plain bytes), so the heap stops below the container's limit and Node.js
reports "heap out of memory" instead of the kernel killing the pod. Empty without a memory limit.
*/}}
{{- define "kanary.heapMiB" -}}
{{- $limit := toString (dig "limits" "memory" "" (.Values.resources | default dict)) -}}
{{- $pct := int .Values.heapPercentOfMemoryLimit -}}
{{- $mib := 0 -}}
{{- if hasSuffix "Gi" $limit }}{{ $mib = mul (atoi (trimSuffix "Gi" $limit)) 1024 }}
{{- else if hasSuffix "Mi" $limit }}{{ $mib = atoi (trimSuffix "Mi" $limit) }}
{{- else if hasSuffix "Ki" $limit }}{{ $mib = div (atoi (trimSuffix "Ki" $limit)) 1024 }}
{{- else if hasSuffix "G" $limit }}{{ $mib = div (mul (atoi (trimSuffix "G" $limit)) 1000000000) 1048576 }}
{{- else if hasSuffix "M" $limit }}{{ $mib = div (mul (atoi (trimSuffix "M" $limit)) 1000000) 1048576 }}
{{- else if hasSuffix "K" $limit }}{{ $mib = div (mul (atoi (trimSuffix "K" $limit)) 1000) 1048576 }}
{{- else if regexMatch "^[0-9]+$" $limit }}{{ $mib = div (atoi $limit) 1048576 }}
{{- end -}}
{{- if gt $mib 0 }}{{ div (mul $mib $pct) 100 }}{{ end -}}
{{- end -}}

{{/* NODE_OPTIONS for the controller: the old-space bound (with a memory limit) and the semi-space size. */}}
{{- define "kanary.nodeOptions" -}}
{{- $options := list -}}
{{- with include "kanary.heapMiB" . }}{{ $options = append $options (printf "--max-old-space-size=%s" .) }}{{ end -}}
{{- with .Values.semiSpaceMiB }}{{ $options = append $options (printf "--max-semi-space-size=%d" (int .)) }}{{ end -}}
{{- join " " $options -}}
{{- end -}}
