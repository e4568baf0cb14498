{{/*
Names.
*/}}
{{- define "ghcr-stats.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified app name. The SpinApp takes this name, and the spin-operator gives it to the
Deployment and the Service it creates, so it must be a DNS-1035 label (at most 63 characters).
*/}}
{{- define "ghcr-stats.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "ghcr-stats.redis.fullname" -}}
{{- printf "%s-redis" (include "ghcr-stats.fullname" . | trunc 57 | trimSuffix "-") }}
{{- end }}

{{/*
The Service that reaches the app: the chart's own when service.enabled, else the one the
spin-operator creates for the SpinApp (same name as the SpinApp, port 80).
*/}}
{{- define "ghcr-stats.serviceName" -}}
{{- if .Values.service.enabled }}
{{- include "ghcr-stats.ownServiceName" . }}
{{- else }}
{{- include "ghcr-stats.fullname" . }}
{{- end }}
{{- end }}

{{/* The chart's own Service: when service.enabled, and for a ServiceMonitor to select. */}}
{{- define "ghcr-stats.ownServiceName" -}}
{{- printf "%s-http" (include "ghcr-stats.fullname" . | trunc 58 | trimSuffix "-") }}
{{- end }}

{{- define "ghcr-stats.servicePort" -}}
{{- if .Values.service.enabled }}{{ .Values.service.port }}{{ else }}80{{ end }}
{{- end }}

{{- define "ghcr-stats.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels.
*/}}
{{- define "ghcr-stats.labels" -}}
helm.sh/chart: {{ include "ghcr-stats.chart" . }}
{{ include "ghcr-stats.selectorLabels" . }}
app.kubernetes.io/version: {{ include "ghcr-stats.version" . | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: ghcr-stats
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "ghcr-stats.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ghcr-stats.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* The app's pods (labels the chart asks the spin-operator to put on them). */}}
{{- define "ghcr-stats.app.selectorLabels" -}}
{{ include "ghcr-stats.selectorLabels" . }}
app.kubernetes.io/component: app
{{- end }}

{{- define "ghcr-stats.redis.selectorLabels" -}}
{{ include "ghcr-stats.selectorLabels" . }}
app.kubernetes.io/component: redis
{{- end }}

{{/* The version label: the image tag (without a digest), else the chart's appVersion. */}}
{{- define "ghcr-stats.version" -}}
{{- default .Chart.AppVersion .Values.image.tag | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The app's OCI reference, as pushed by `spin registry push`: repository@digest when a digest is
given, else repository:tag (tag defaults to the chart's appVersion).
*/}}
{{- define "ghcr-stats.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/*
Where the app's `default` key-value store lives:
  spin          Spin's default store (SQLite inside each pod)
  redis-chart   the Redis this chart deploys (redis.enabled)
  redis-secret  an existing Redis, its URL in a Secret (externalRedis.existingSecret)
  redis-url     an existing Redis, its URL in the values (externalRedis.url)
*/}}
{{- define "ghcr-stats.kvStore" -}}
{{- if .Values.redis.enabled }}redis-chart
{{- else if .Values.externalRedis.existingSecret }}redis-secret
{{- else if .Values.externalRedis.url }}redis-url
{{- else }}spin
{{- end }}
{{- end }}

{{/*
Checks the schema cannot express; each failure says what is wrong and how to fix it.
*/}}
{{- define "ghcr-stats.validate" -}}
{{- $ext := .Values.externalRedis }}
{{- if and $ext.existingSecret $ext.url }}
{{- fail "\n\nghcr-stats: set externalRedis.existingSecret or externalRedis.url, not both.\nPrefer existingSecret: a URL that carries a password should not sit in the values." }}
{{- end }}
{{- if and .Values.redis.enabled (or $ext.existingSecret $ext.url) }}
{{- fail "\n\nghcr-stats: redis.enabled deploys a Redis with this chart and externalRedis points at another one: choose one." }}
{{- end }}
{{- $many := "" }}
{{- if .Values.autoscaling.enabled }}
{{- $many = printf "autoscaling.enabled=true (up to %d replicas)" (int .Values.autoscaling.maxReplicas) }}
{{- else if gt (int .Values.replicas) 1 }}
{{- $many = printf "replicas=%d" (int .Values.replicas) }}
{{- end }}
{{- if and $many (eq (include "ghcr-stats.kvStore" .) "spin") }}
{{- fail (printf "\n\nghcr-stats: %s needs a shared key-value store, and none is configured.\nSpin's default store is a SQLite file inside each pod, so every replica would keep its own download history and answer differently.\nDo one of:\n  - externalRedis.existingSecret=<Secret> (with externalRedis.existingSecretKey): an existing Redis, its redis:// URL in a Secret;\n  - redis.enabled=true: a small Redis deployed with this chart;\n  - replicas=1 and autoscaling.enabled=false." $many) }}
{{- end }}
{{- if .Values.autoscaling.enabled }}
{{- $as := .Values.autoscaling }}
{{- if gt (int $as.minReplicas) (int $as.maxReplicas) }}
{{- fail (printf "\n\nghcr-stats: autoscaling.minReplicas (%d) is greater than autoscaling.maxReplicas (%d)." (int $as.minReplicas) (int $as.maxReplicas)) }}
{{- end }}
{{- if and (not $as.targetCPUUtilizationPercentage) (not $as.targetMemoryUtilizationPercentage) (not $as.keda.extraTriggers) }}
{{- fail "\n\nghcr-stats: autoscaling.enabled=true needs something to scale on: set autoscaling.targetCPUUtilizationPercentage and/or autoscaling.targetMemoryUtilizationPercentage." }}
{{- end }}
{{- $requests := default dict (.Values.resources).requests }}
{{- if and $as.targetCPUUtilizationPercentage (not (hasKey $requests "cpu")) }}
{{- fail "\n\nghcr-stats: autoscaling on CPU utilisation needs resources.requests.cpu: utilisation is measured against the request, and without one the autoscaler never scales." }}
{{- end }}
{{- if and $as.targetMemoryUtilizationPercentage (not (hasKey $requests "memory")) }}
{{- fail "\n\nghcr-stats: autoscaling on memory utilisation needs resources.requests.memory: utilisation is measured against the request, and without one the autoscaler never scales." }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The SpinApp's variables: the app's settings from .Values.app (as strings, as Spin variables
are), unless .Values.variables binds the same name (a value, or valueFrom a Secret/ConfigMap),
then every entry of .Values.variables.
*/}}
{{- define "ghcr-stats.variables" -}}
{{- $bound := dict }}
{{- range .Values.variables }}
{{- $_ := set $bound .name true }}
{{- end }}
{{- $app := .Values.app }}
{{- $settings := list
  (list "owner" $app.owner false)
  (list "upstream" $app.upstream false)
  (list "cache_ttl" $app.cacheTTL true)
  (list "refresh_interval" $app.refreshInterval true)
  (list "history_limit" $app.historyLimit true)
  (list "max_concurrency" $app.maxConcurrency true)
  (list "page_max_bytes" $app.pageMaxBytes true)
  (list "fetch_timeout" $app.fetchTimeout true)
  (list "max_backoff" $app.maxBackoff true)
  (list "fetch_deadline" $app.fetchDeadline true)
  (list "failure_backoff" $app.failureBackoff true)
  (list "upstream_budget" $app.upstreamBudget true)
  (list "other_owners" $app.otherOwners false)
  (list "forwarded_headers" $app.forwardedHeaders false) }}
{{- range $settings }}
{{- $name := index . 0 }}
{{- $value := index . 1 }}
{{- if and (not (hasKey $bound $name)) (not (kindIs "invalid" $value)) (ne (toString $value) "") }}
{{- $text := toString $value }}
{{- if index . 2 }}
{{- /* Numbers go through int64: YAML numbers reach templates as float64 (5000000 would print as "5e+06"). */}}
{{- $text = $value | int64 | toString }}
{{- end }}
- name: {{ $name }}
  value: {{ $text | quote }}
{{- end }}
{{- end }}
{{- range .Values.variables }}
- {{ toYaml . | nindent 2 | trim }}
{{- end }}
{{- end }}
