{{/* The release name, followed by the chart's unless it already holds it. */}}
{{- define "piazza.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "piazza.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "piazza.selector" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "piazza.secretName" -}}
{{- default (include "piazza.fullname" .) .Values.existingSecret -}}
{{- end -}}

{{- define "piazza.claimName" -}}
{{- default (printf "%s-files" (include "piazza.fullname" .)) .Values.persistence.existingClaim -}}
{{- end -}}

{{- define "piazza.image" -}}
{{ .Values.image.repository }}:{{ default .Chart.AppVersion .Values.image.tag }}
{{- end -}}

{{/* The settings every Piazza container shares: items of an env list. */}}
{{- define "piazza.env" -}}
- name: PIAZZA_ADDR
  value: ":8080"
- name: PIAZZA_BASE_DOMAIN
  value: {{ .Values.baseDomain | quote }}
- name: PIAZZA_OPERATOR_HOST
  value: {{ .Values.operatorHost | quote }}
- name: PIAZZA_MAIL_FROM
  value: {{ .Values.mailFrom | quote }}
- name: PIAZZA_LOG_LEVEL
  value: {{ .Values.logLevel | quote }}
- name: PIAZZA_LOG_FORMAT
  value: json
{{- end -}}

{{/*
The pod-level security context of every pod: the restricted Pod Security
Standard, with the image's numeric user so that runAsNonRoot can be checked.
*/}}
{{- define "piazza.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.securityContext.runAsUser }}
runAsGroup: {{ .Values.securityContext.runAsGroup }}
fsGroup: {{ .Values.securityContext.runAsGroup }}
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "piazza.containerSecurityContext" -}}
runAsNonRoot: true
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* The service account the Deployment's pods run as. */}}
{{- define "piazza.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "piazza.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* "true" when attachments go to the S3-compatible store, else "". */}}
{{- define "piazza.s3" -}}
{{- if .Values.storage.s3.url -}}true{{- end -}}
{{- end -}}

{{/* The fewest replicas that run: the autoscaler's floor, or replicaCount. */}}
{{- define "piazza.minReplicas" -}}
{{- if .Values.autoscaling.enabled -}}
{{- int .Values.autoscaling.minReplicas -}}
{{- else -}}
{{- int .Values.replicaCount -}}
{{- end -}}
{{- end -}}

{{/* The most replicas that run: the autoscaler's ceiling, or replicaCount. */}}
{{- define "piazza.maxReplicas" -}}
{{- if .Values.autoscaling.enabled -}}
{{- int .Values.autoscaling.maxReplicas -}}
{{- else -}}
{{- int .Values.replicaCount -}}
{{- end -}}
{{- end -}}

{{/* The labels of the metrics Service, which the ServiceMonitor selects. */}}
{{- define "piazza.metricsSelector" -}}
{{ include "piazza.selector" . }}
app.kubernetes.io/component: metrics
{{- end -}}
