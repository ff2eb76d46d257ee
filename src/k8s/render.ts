/**
 * Kubernetes manifests from the facts flaskpack knows about an app or an image (pure). Typed with the
 * Kubernetes API types (kubernetes-models), so a field the API does not have fails `tsc`; the tests also
 * validate every object against the API's OpenAPI schema.
 */
import { stringify } from "yaml";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IService } from "kubernetes-models/v1/Service";
import type { ISecret } from "kubernetes-models/v1/Secret";
import type { IIngress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import type { IHorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";

export interface K8sFacts {
  /** DNS-1123 name for every object. */
  name: string;
  image: string;
  port: number;
  /** HTTP health route; without one the probes are TCP connects. */
  healthPath?: string;
  /** Numeric user and group the image runs as (runAsNonRoot needs a numeric user). */
  user?: { uid: number; gid: number };
  /** Paths the app writes to (emptyDir each, besides /tmp). */
  writablePaths: string[];
  /** Variables that must come from a Secret (secrets and required values). */
  secretEnv: string[];
  /** gunicorn's --graceful-timeout (its default is 30 s). */
  gracefulTimeoutSeconds: number;
  /** Ports of services the app talks to (Postgres 5432, ...), for the NetworkPolicy's egress. */
  egressPorts: number[];
}

export interface K8sOptions {
  namespace?: string;
  /** Replicas, and the HPA's minimum (default 2). */
  replicas?: number;
  /** HPA maximum (default 5). */
  maxReplicas?: number;
  /** HPA target CPU utilization in percent (default 70). */
  cpuTarget?: number;
  /** Host name for an Ingress; without it no Ingress is written. */
  host?: string;
  ingressClass?: string;
  /** TLS secret for the Ingress host. */
  tlsSecret?: string;
  /** Seccomp: "RuntimeDefault" (default) or the file name of a Localhost profile (e.g. flaskpack's slim profile). */
  seccomp?: string;
  requests?: { cpu: string; memory: string };
  limits?: { cpu: string; memory: string };
}

export type K8sObject = IDeployment | IService | ISecret | IIngress | INetworkPolicy | IHorizontalPodAutoscaler;

export interface K8sManifests {
  objects: K8sObject[];
  /**
   * File name → YAML (deployment.yaml, service.yaml, ...). The Secret is secret.yaml.template, which
   * `kubectl apply -f DIR` skips until it is filled in and renamed.
   */
  files: Record<string, string>;
  /** Every object but the Secret template as one multi-document YAML, ready for `kubectl apply -f -`. */
  yaml: string;
  notes: string[];
}

export function k8sName(s: string): string {
  const n = s.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 63).replace(/-+$/, "");
  return n || "app";
}

export function renderK8s(facts: K8sFacts, opts: K8sOptions = {}): K8sManifests {
  const name = k8sName(facts.name);
  const labels = { "app.kubernetes.io/name": name, "app.kubernetes.io/managed-by": "flaskpack" };
  const selector = { "app.kubernetes.io/name": name };
  const meta = (suffix = "") => ({ name: `${name}${suffix}`, labels, ...(opts.namespace ? { namespace: opts.namespace } : {}) });
  const replicas = opts.replicas ?? 2;
  const notes: string[] = [];
  const secretName = `${name}-env`;

  const probe = facts.healthPath ? { httpGet: { path: facts.healthPath, port: "http" } } : { tcpSocket: { port: "http" } };
  const seccompProfile =
    !opts.seccomp || opts.seccomp === "RuntimeDefault"
      ? { type: "RuntimeDefault" as const }
      : { type: "Localhost" as const, localhostProfile: opts.seccomp };
  if (seccompProfile.type === "Localhost") notes.push(`copy the seccomp profile to /var/lib/kubelet/seccomp/${opts.seccomp} on every node (or use the Security Profiles Operator)`);
  if (!facts.user) notes.push("the image runs as a user name, not a numeric uid: runAsNonRoot can only be checked with a numeric USER in the image");
  const extra = facts.writablePaths.filter((p) => p !== "/tmp");
  if (extra.length) notes.push(`${extra.join(", ")} ${extra.length > 1 ? "are" : "is"} an emptyDir: data there is lost when the pod goes; use a PersistentVolumeClaim or an external store for data that must last`);

  const deployment: IDeployment = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: meta(),
    spec: {
      replicas,
      revisionHistoryLimit: 5,
      selector: { matchLabels: selector },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          // gunicorn finishes in-flight requests within its graceful timeout after SIGTERM; the pod waits a little longer.
          terminationGracePeriodSeconds: facts.gracefulTimeoutSeconds + 5,
          securityContext: {
            runAsNonRoot: true,
            ...(facts.user ? { runAsUser: facts.user.uid, runAsGroup: facts.user.gid, fsGroup: facts.user.gid } : {}),
            seccompProfile,
          },
          containers: [
            {
              name: "app",
              image: facts.image,
              imagePullPolicy: "IfNotPresent",
              ports: [{ name: "http", containerPort: facts.port, protocol: "TCP" }],
              env: [{ name: "PORT", value: String(facts.port) }],
              ...(facts.secretEnv.length ? { envFrom: [{ secretRef: { name: secretName } }] } : {}),
              startupProbe: { ...probe, periodSeconds: 2, timeoutSeconds: 3, failureThreshold: 30 },
              readinessProbe: { ...probe, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
              livenessProbe: { ...probe, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 3 },
              resources: { requests: opts.requests ?? { cpu: "100m", memory: "128Mi" }, limits: opts.limits ?? { cpu: "1", memory: "256Mi" } },
              securityContext: {
                allowPrivilegeEscalation: false,
                privileged: false,
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                capabilities: { drop: ["ALL"] },
              },
              volumeMounts: [{ name: "tmp", mountPath: "/tmp" }, ...extra.map((p, i) => ({ name: `data-${i + 1}`, mountPath: p }))],
            },
          ],
          volumes: [{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }, ...extra.map((_, i) => ({ name: `data-${i + 1}`, emptyDir: {} }))],
        },
      },
    },
  };

  const service: IService = {
    apiVersion: "v1",
    kind: "Service",
    metadata: meta(),
    spec: { type: "ClusterIP", selector, ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }] },
  };

  const hpa: IHorizontalPodAutoscaler = {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: meta(),
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name },
      minReplicas: replicas,
      maxReplicas: Math.max(replicas, opts.maxReplicas ?? 5),
      metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: opts.cpuTarget ?? 70 } } }],
    },
  };

  const policy: INetworkPolicy = {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: meta(),
    spec: {
      podSelector: { matchLabels: selector },
      policyTypes: ["Ingress", "Egress"],
      ingress: [{ ports: [{ port: facts.port, protocol: "TCP" }] }],
      egress: [
        { ports: [{ port: 53, protocol: "UDP" }, { port: 53, protocol: "TCP" }] },
        ...(facts.egressPorts.length ? [{ ports: facts.egressPorts.map((port) => ({ port, protocol: "TCP" as const })) }] : []),
      ],
    },
  };

  const objects: K8sObject[] = [deployment, service, hpa, policy];
  const files: Record<string, string> = {
    "deployment.yaml": doc(deployment),
    "service.yaml": doc(service),
    "hpa.yaml": doc(hpa),
    "networkpolicy.yaml": doc(policy),
  };

  if (opts.host) {
    const ingress: IIngress = {
      apiVersion: "networking.k8s.io/v1",
      kind: "Ingress",
      metadata: meta(),
      spec: {
        ...(opts.ingressClass ? { ingressClassName: opts.ingressClass } : {}),
        ...(opts.tlsSecret ? { tls: [{ hosts: [opts.host], secretName: opts.tlsSecret }] } : {}),
        rules: [{ host: opts.host, http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name, port: { name: "http" } } } }] } }],
      },
    };
    objects.push(ingress);
    files["ingress.yaml"] = doc(ingress);
  }

  if (facts.secretEnv.length) {
    const secret: ISecret = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { ...meta("-env"), annotations: { "flaskpack.io/template": "replace every change-me before applying; keep the filled file out of version control" } },
      type: "Opaque",
      stringData: Object.fromEntries(facts.secretEnv.map((k) => [k, "change-me"])),
    };
    files["secret.yaml.template"] = doc(secret);
    notes.push(`the app needs Secret ${secretName} (${facts.secretEnv.join(", ")}): fill in secret.yaml.template and save it as secret.yaml, or run kubectl create secret generic ${secretName} --from-env-file=.env`);
    return { objects: [...objects, secret], files, yaml: objects.map(doc).join("---\n"), notes };
  }
  return { objects, files, yaml: objects.map(doc).join("---\n"), notes };
}

function doc(o: unknown): string {
  return stringify(o, { lineWidth: 0, aliasDuplicateObjects: false });
}
