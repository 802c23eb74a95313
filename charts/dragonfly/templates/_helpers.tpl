{{/* Name of the release's objects: "<release>" unless the release name already says dragonfly. */}}
{{- define "dragonfly.fullname" -}}
{{- if contains "dragonfly" .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-dragonfly" .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "dragonfly.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
app.kubernetes.io/part-of: dragonfly
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}

{{/* image "operator" -> <imageRegistry>/operator:<tag> */}}
{{- define "dragonfly.image" -}}
{{- printf "%s/%s:%s" .root.Values.imageRegistry .name (.root.Values.imageTag | default .root.Chart.AppVersion) -}}
{{- end -}}

{{- define "dragonfly.supernodeName" -}}
{{- .Values.supernode.name | default (printf "%s-supernode" (include "dragonfly.fullname" .)) -}}
{{- end -}}

{{/* Scheduler addresses peers use: the default Supernode's stable pod names, the list the operator's preheat hashes over too. */}}
{{- define "dragonfly.supernodeAddresses" -}}
{{- if .Values.peer.supernodes -}}
{{- join "," .Values.peer.supernodes -}}
{{- else -}}
{{- $name := include "dragonfly.supernodeName" . -}}
{{- $addresses := list -}}
{{- range $i := until (int .Values.supernode.replicas) -}}
{{- $addresses = append $addresses (printf "%s-%d.%s-headless.%s.svc:%d" $name $i $name $.Release.Namespace (int $.Values.supernode.ports.grpc)) -}}
{{- end -}}
{{- join "," $addresses -}}
{{- end -}}
{{- end -}}

{{- define "dragonfly.imagePullSecrets" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end }}
{{- end -}}

{{/* The restricted Pod Security profile's container settings. */}}
{{- define "dragonfly.restrictedContainer" -}}
runAsNonRoot: true
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Scheme and TLS of a ServiceMonitor/PodMonitor endpoint: the metrics ports serve HTTPS with tls.secretName. */}}
{{- define "dragonfly.scrapeTls" }}
{{- if .Values.tls.secretName }}
scheme: https
tlsConfig:
  ca:
    secret:
      name: {{ .Values.tls.secretName }}
      key: ca.crt
  {{- with .Values.metrics.serviceMonitor.tlsServerName }}
  serverName: {{ . }}
  {{- else }}
  # The certificate is checked against the CA only, as peers do: pod and node IPs are rarely in its names.
  insecureSkipVerify: true
  {{- end }}
{{- end }}
{{- end }}
