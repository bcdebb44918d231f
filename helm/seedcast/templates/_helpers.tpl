{{- define "seedcast.name" -}}{{ .Release.Name }}{{- end -}}

{{- define "seedcast.labels" -}}
app.kubernetes.io/part-of: seedcast
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}

{{- define "seedcast.selector" -}}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/name: {{ .component }}
{{- end -}}

{{- define "seedcast.image" -}}
{{ .root.Values.image.registry }}/seedcast-{{ .component }}:{{ .root.Values.image.tag }}
{{- end -}}

{{/* Non-root, read-only root filesystem: writes go to an emptyDir at /tmp. */}}
{{- define "seedcast.podSecurity" -}}
securityContext:
  runAsNonRoot: true
  runAsUser: 185
  fsGroup: 185
  seccompProfile: {type: RuntimeDefault}
{{- end -}}

{{- define "seedcast.containerSecurity" -}}
securityContext:
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  capabilities: {drop: [ALL]}
{{- end -}}

{{- define "seedcast.probes" -}}
livenessProbe:
  httpGet: {path: /q/health/live, port: http}
  initialDelaySeconds: 10
  periodSeconds: 10
readinessProbe:
  httpGet: {path: /q/health/ready, port: http}
  initialDelaySeconds: 5
  periodSeconds: 5
startupProbe:
  httpGet: {path: /q/health/started, port: http}
  failureThreshold: 30
  periodSeconds: 2
{{- end -}}

{{- define "seedcast.kafkaEnv" -}}
- name: SEEDCAST_KAFKA_BOOTSTRAP_SERVERS
  value: {{ if .Values.kafka.strimzi.enabled }}{{ printf "%s-kafka-kafka-bootstrap:9092" .Release.Name | quote }}{{ else }}{{ .Values.kafka.bootstrapServers | quote }}{{ end }}
- name: KAFKA_SECURITY_PROTOCOL
  value: {{ .Values.kafka.securityProtocol | quote }}
{{- if .Values.kafka.sasl.mechanism }}
- name: KAFKA_SASL_MECHANISM
  value: {{ .Values.kafka.sasl.mechanism | quote }}
- name: KAFKA_SASL_JAAS_CONFIG
  valueFrom:
    secretKeyRef: {name: {{ .Values.kafka.sasl.existingSecret }}, key: jaas}
{{- end }}
{{- if .Values.kafka.tls.existingSecret }}
- name: KAFKA_SSL_TRUSTSTORE_TYPE
  value: PEM
- name: KAFKA_SSL_TRUSTSTORE_LOCATION
  value: /etc/seedcast/kafka-tls/ca.crt
{{- end }}
{{- end -}}
