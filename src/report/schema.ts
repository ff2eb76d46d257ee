/** JSON Schema (draft 2020-12) of report.json: the ShipReport in ./model.ts. */
const nullable = (schema: object) => ({ anyOf: [schema, { type: "null" }] });
const int = { type: "integer", minimum: 0 };
const counts = {
  type: "object",
  required: ["total", "critical", "high", "medium", "low", "unknown"],
  properties: Object.fromEntries(["total", "critical", "high", "medium", "low", "unknown"].map((k) => [k, int])),
};
const severity = { enum: ["critical", "high", "medium", "low", "unknown"] };
const vulnFinding = {
  type: "object",
  required: ["id", "package", "version", "severity", "fixed"],
  properties: { id: { type: "string" }, package: { type: "string" }, version: { type: "string" }, severity, fixed: nullable({ type: "string" }) },
};
const dirNode = {
  type: "object",
  required: ["name", "path", "sizeBytes"],
  properties: { name: { type: "string" }, path: { type: "string" }, sizeBytes: int, children: { type: "array", items: { $ref: "#/$defs/dirNode" } } },
};
const imageFacts = {
  type: "object",
  required: ["ref", "imageId", "sizeBytes", "files", "packages", "layers", "startupMs", "vulns", "dirs", "pushBytes"],
  properties: {
    ref: { type: "string" },
    imageId: nullable({ type: "string" }),
    sizeBytes: nullable(int),
    files: nullable(int),
    packages: nullable(int),
    layers: nullable({ type: "array", items: { type: "object", required: ["index", "createdBy", "sizeBytes"], properties: { index: int, createdBy: { type: "string" }, sizeBytes: int } } }),
    startupMs: nullable({ type: "number", minimum: 0 }),
    vulns: nullable(counts),
    dirs: nullable({ $ref: "#/$defs/dirNode" }),
    pushBytes: nullable(int),
  },
};

export const reportSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  title: "flaskpack ship report",
  type: "object",
  required: ["schemaVersion", "flaskpackVersion", "generatedAt", "target", "app", "stages", "original", "slim", "routes", "notExercised", "lint", "vulnerabilities", "generated", "profiles", "check", "nextSteps", "outDir"],
  $defs: { dirNode },
  properties: {
    schemaVersion: { const: 1 },
    flaskpackVersion: { type: "string" },
    generatedAt: { type: "string", format: "date-time" },
    target: {
      type: "object",
      required: ["dir", "image", "usedProjectDockerfile"],
      properties: { dir: nullable({ type: "string" }), image: nullable({ type: "string" }), usedProjectDockerfile: nullable({ type: "boolean" }) },
    },
    app: nullable({ type: "object", required: ["entry", "port", "routes"], properties: { entry: nullable({ type: "string" }), port: nullable(int), routes: int } }),
    stages: {
      type: "array",
      items: {
        type: "object",
        required: ["name", "status", "seconds"],
        properties: {
          name: { enum: ["analyze", "lint", "init", "build", "run", "slim", "verify", "sbom", "scan", "report"] },
          status: { enum: ["ok", "cached", "skipped", "not-available", "failed"] },
          seconds: { type: "number", minimum: 0 },
          note: { type: "string" },
          error: { type: "object", required: ["code", "message"], properties: { code: { type: "string" }, message: { type: "string" }, fix: { type: "string" } } },
        },
      },
    },
    original: nullable(imageFacts),
    slim: nullable(imageFacts),
    routes: {
      type: "array",
      items: {
        type: "object",
        required: ["method", "path", "identical", "exercised", "original", "slim"],
        properties: {
          method: { type: "string" },
          path: { type: "string" },
          identical: nullable({ type: "boolean" }),
          exercised: { type: "boolean" },
          original: { type: "object", required: ["status"], properties: { status: nullable({ type: "integer" }) } },
          slim: { type: "object", required: ["status"], properties: { status: nullable({ type: "integer" }) } },
        },
      },
    },
    notExercised: { type: "array", items: { type: "string" } },
    lint: nullable({
      type: "object",
      required: ["counts", "findings"],
      properties: {
        counts: { type: "object", required: ["error", "warning", "info"], properties: { error: int, warning: int, info: int } },
        findings: {
          type: "array",
          items: {
            type: "object",
            required: ["ruleId", "severity", "message", "file", "line", "snippet"],
            properties: {
              ruleId: { type: "string" },
              severity: { enum: ["error", "warning", "info"] },
              message: { type: "string" },
              file: nullable({ type: "string" }),
              line: nullable(int),
              snippet: nullable({ type: "array", items: { type: "object", required: ["line", "text"], properties: { line: int, text: { type: "string" } } } }),
            },
          },
        },
      },
    }),
    vulnerabilities: nullable({
      type: "object",
      required: ["db", "dbAge", "original", "slim"],
      properties: {
        db: nullable({ type: "string" }),
        dbAge: nullable({ type: "string" }),
        original: nullable({ type: "array", items: vulnFinding }),
        slim: nullable({ type: "array", items: vulnFinding }),
      },
    }),
    generated: {
      type: "array",
      items: { type: "object", required: ["path", "content", "explanation", "written"], properties: { path: { type: "string" }, content: { type: "string" }, explanation: { type: "string" }, written: { type: "boolean" } } },
    },
    profiles: nullable({ type: "object", required: ["seccomp", "apparmor"], properties: { seccomp: nullable({ type: "string" }), apparmor: nullable({ type: "string" }) } }),
    check: {
      type: "object",
      required: ["enabled", "failOn", "lintThreshold", "passed", "reasons"],
      properties: { enabled: { type: "boolean" }, failOn: nullable(severity), lintThreshold: { enum: ["error", "warning", "info"] }, passed: { type: "boolean" }, reasons: { type: "array", items: { type: "string" } } },
    },
    nextSteps: { type: "array", items: { type: "string" } },
    outDir: { type: "string" },
  },
} as const;
