import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { Service } from "kubernetes-models/v1/Service";
import { Secret } from "kubernetes-models/v1/Secret";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { k8s, renderK8s, gracefulTimeout, healthPathFromCheck, k8sName, type K8sFacts } from "../../../src/k8s/index.ts";
import { EXAMPLES } from "../../helpers/cli.ts";

/** Validators generated from the Kubernetes OpenAPI schema, one per kind flaskpack emits. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  Deployment: Deployment as never,
  Service: Service as never,
  Secret: Secret as never,
  Ingress: Ingress as never,
  NetworkPolicy: NetworkPolicy as never,
  HorizontalPodAutoscaler: HorizontalPodAutoscaler as never,
};

function validate(obj: { kind: string }): void {
  const Model = MODELS[obj.kind];
  assert.ok(Model, `no schema for kind ${obj.kind}`);
  new Model(obj as never).validate();
}

const EXAMPLE_DIRS = readdirSync(EXAMPLES, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);

for (const name of EXAMPLE_DIRS) {
  test(`k8s manifests for examples/${name} validate against the Kubernetes schema`, async () => {
    const r = await k8s(join(EXAMPLES, name), { host: `${name}.example.com`, tlsSecret: `${name}-tls`, ingressClass: "nginx" });
    const kinds = r.objects.map((o) => o.kind).sort();
    assert.deepEqual(kinds.filter((k) => k !== "Secret"), ["Deployment", "HorizontalPodAutoscaler", "Ingress", "NetworkPolicy", "Service"]);
    for (const o of r.objects) validate(o);
    // What a user applies is the YAML text: parse it back and validate that too.
    for (const [file, text] of Object.entries(r.files)) {
      for (const d of parseAllDocuments(text)) validate(d.toJS() as { kind: string });
      assert.match(file, /^[a-z]+\.yaml(\.template)?$/);
    }
    assert.equal(parseAllDocuments(r.yaml).length, r.objects.filter((o) => o.kind !== "Secret").length);
  });
}

test("an invalid manifest fails the schema check (the check is real)", () => {
  const r = renderK8s(facts());
  const d = structuredClone(r.objects[0]) as { spec: { replicas: unknown } };
  d.spec.replicas = "two";
  assert.throws(() => validate(d as never), /replicas must be integer/);
});

test("pg-api: probes on the health route, hardened pod, secret for DATABASE_URL, egress to Postgres", async () => {
  const r = await k8s(join(EXAMPLES, "pg-api"), { image: "registry.example.com/pg-api:1.0" });
  const dep = r.objects.find((o) => o.kind === "Deployment") as Deployment;
  const pod = dep.spec!.template.spec!;
  const c = pod.containers[0];
  assert.equal(c.image, "registry.example.com/pg-api:1.0");
  assert.deepEqual(c.readinessProbe?.httpGet, { path: "/health", port: "http" });
  assert.deepEqual(c.livenessProbe?.httpGet, { path: "/health", port: "http" });
  assert.equal(c.ports?.[0].containerPort, 8080);
  assert.equal(pod.securityContext?.runAsNonRoot, true);
  assert.equal(pod.securityContext?.runAsUser, 10001);
  assert.deepEqual(pod.securityContext?.seccompProfile, { type: "RuntimeDefault" });
  assert.equal(c.securityContext?.readOnlyRootFilesystem, true);
  assert.equal(c.securityContext?.allowPrivilegeEscalation, false);
  assert.deepEqual(c.securityContext?.capabilities?.drop, ["ALL"]);
  assert.deepEqual(c.volumeMounts?.[0], { name: "tmp", mountPath: "/tmp" });
  assert.ok(pod.volumes?.some((v) => v.name === "tmp" && v.emptyDir));
  assert.ok(c.resources?.limits?.memory && c.resources.requests?.cpu);
  assert.equal(pod.terminationGracePeriodSeconds, 25, "gunicorn's --graceful-timeout 20 plus 5 s");
  assert.equal(pod.automountServiceAccountToken, false);
  assert.deepEqual(c.envFrom, [{ secretRef: { name: "pg-api-env" } }]);
  const secret = r.objects.find((o) => o.kind === "Secret") as Secret;
  assert.deepEqual(Object.keys(secret.stringData ?? {}), ["DATABASE_URL"]);
  assert.ok(!r.yaml.includes("kind: Secret"), "the secret template is not in the apply stream");
  const np = r.objects.find((o) => o.kind === "NetworkPolicy") as NetworkPolicy;
  assert.ok(np.spec?.egress?.some((e) => e.ports?.some((p) => p.port === 5432)));
  assert.ok(r.notes.some((n) => /pg-api-env/.test(n)));
  assert.ok(!r.objects.some((o) => o.kind === "Ingress"), "no Ingress without --host");
});

test("a Localhost seccomp profile (the slim profile) and writable paths", () => {
  const r = renderK8s(facts({ writablePaths: ["/tmp", "/app/instance"] }), { seccomp: "flaskpack/hello.json" });
  for (const o of r.objects) validate(o);
  const pod = (r.objects[0] as Deployment).spec!.template.spec!;
  assert.deepEqual(pod.securityContext?.seccompProfile, { type: "Localhost", localhostProfile: "flaskpack/hello.json" });
  assert.deepEqual(pod.containers[0].volumeMounts?.map((m) => m.mountPath), ["/tmp", "/app/instance"]);
  assert.ok(r.notes.some((n) => /seccomp/.test(n)) && r.notes.some((n) => /\/app\/instance/.test(n)));
});

test("no health route: TCP probes; graceful timeout and health path read from an image's command", () => {
  const r = renderK8s(facts({ healthPath: undefined }));
  const c = (r.objects[0] as Deployment).spec!.template.spec!.containers[0];
  assert.deepEqual(c.readinessProbe?.tcpSocket, { port: "http" });
  assert.equal(gracefulTimeout(["gunicorn", "--graceful-timeout", "45", "app:app"]), 45);
  assert.equal(gracefulTimeout(["gunicorn", "--graceful-timeout=12", "app:app"]), 12);
  assert.equal(gracefulTimeout(["gunicorn", "app:app"]), 30);
  assert.equal(healthPathFromCheck(["CMD", "python3", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz')"]), "/healthz");
  assert.equal(k8sName("My_App.v2"), "my-app-v2");
});

function facts(over: Partial<K8sFacts> = {}): K8sFacts {
  return { name: "hello", image: "hello:1", port: 8080, healthPath: "/health", user: { uid: 10001, gid: 10001 }, writablePaths: [], secretEnv: [], gracefulTimeoutSeconds: 20, egressPorts: [], ...over };
}
