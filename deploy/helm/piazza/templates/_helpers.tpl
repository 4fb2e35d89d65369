{{- define "piazza.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
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

{{- define "piazza.image" -}}
{{ .Values.image.repository }}:{{ default .Chart.AppVersion .Values.image.tag }}
{{- end -}}

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
- name: PIAZZA_DATA_DIR
  value: /tmp/piazza
envFrom:
  - secretRef:
      name: {{ include "piazza.secretName" . }}
{{- end -}}
