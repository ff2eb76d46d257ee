/** Which requests to send, and how to compare answers. Pure. */
import { createHash } from "node:crypto";
import { FlaskpackError } from "../errors.ts";

export interface Probe {
  method: string;
  path: string;
  body?: string;
  /** The url_map rule this probe exercises ("user" for --probe entries that match none). */
  rule?: string;
}

export interface DumpedRule {
  rule: string;
  methods: string[];
  endpoint: string;
}

/** What the url_map dump prints. */
export interface RouteDump {
  rules: DumpedRule[];
  /** URL paths of every static file (app and blueprints), e.g. /static/style.css. */
  staticFiles: string[];
}

export interface Answer {
  status: number;
  contentType: string;
  bodySha256: string;
  bytes: number;
}

export interface RouteResult {
  method: string;
  path: string;
  rule: string;
  original: Answer;
  slim: Answer;
  identical: boolean;
  /** The view ran (anything but 405 for a method the rule declares). */
  exercised: boolean;
}

const SAMPLES: Record<string, string> = {
  int: "1",
  float: "1.5",
  string: "x",
  default: "x",
  path: "a/b",
  uuid: "00000000-0000-4000-8000-000000000000",
};
const AUTO_METHODS = ["GET", "HEAD", "OPTIONS"];

/** `/post/<int:id>` → `/post/1`; `<any(a,b):x>` → `a`; unknown converters get "x". */
export function sampleUrl(rule: string): string {
  return rule.replace(/<(?:([A-Za-z_]\w*)(?:\(([^)]*)\))?:)?([A-Za-z_]\w*)>/g, (_m, conv: string | undefined, args: string | undefined) => {
    const type = conv ?? "default";
    if (type === "any") return (args ?? "x").split(",")[0].trim().replace(/^['"]|['"]$/g, "") || "x";
    return SAMPLES[type] ?? "x";
  });
}

/** Probes for every rule: GET/HEAD/OPTIONS where the rule allows them, each static file, then the user's. */
export function probesFor(dump: RouteDump, user: Probe[] = []): Probe[] {
  const out: Probe[] = [];
  const seen = new Set<string>();
  const push = (p: Probe) => {
    const key = `${p.method} ${p.path} ${p.body ?? ""}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(p);
    }
  };
  for (const r of dump.rules) {
    const isStatic = r.endpoint === "static" || r.endpoint.endsWith(".static");
    const prefix = r.rule.replace(/<[^>]*>.*$/, "");
    const files = isStatic ? dump.staticFiles.filter((f) => f.startsWith(prefix)) : [];
    const paths = files.length ? files : [sampleUrl(r.rule)];
    for (const path of paths) for (const m of AUTO_METHODS) if (r.methods.includes(m)) push({ method: m, path, rule: r.rule });
  }
  for (const p of user) push({ ...p, rule: p.rule ?? matchRule(dump.rules, p.path) ?? "user probe" });
  return out;
}

/** Parses `METHOD:/path[:body]` (the body may itself contain colons). */
export function parseProbe(spec: string): Probe {
  const m = /^([A-Za-z]+):(\/[^:]*)(?::([\s\S]*))?$/.exec(spec.trim());
  if (!m) throw new FlaskpackError("BAD_INPUT", `probe "${spec}" is not METHOD:/path[:body].`, "write probes like GET:/health or POST:/api/items:{\"name\":\"x\"}");
  return { method: m[1].toUpperCase(), path: m[2], body: m[3] };
}

/** The rule a concrete path matches, by turning each rule into a regular expression. */
export function matchRule(rules: DumpedRule[], path: string): string | undefined {
  const bare = path.split("?")[0];
  for (const r of rules) {
    const re = new RegExp(
      "^" +
        r.rule
          .split(/(<[^>]*>)/)
          .map((part) => {
            const conv = /^<(?:([A-Za-z_]\w*)(?:\([^)]*\))?:)?[A-Za-z_]\w*>$/.exec(part);
            if (!conv) return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
            return conv[1] === "path" ? ".+" : "[^/]+";
          })
          .join("") +
        "$",
    );
    if (re.test(bare)) return r.rule;
  }
  return undefined;
}

/** Hash of a body after the user's normalizations (dates, ids...) are applied. */
export function bodyHash(body: Buffer, normalize: RegExp[] = []): string {
  if (!normalize.length) return createHash("sha256").update(body).digest("hex");
  let text = body.toString("utf8");
  for (const re of normalize) text = text.replace(new RegExp(re.source, re.flags.includes("g") ? re.flags : re.flags + "g"), "<normalized>");
  return createHash("sha256").update(text).digest("hex");
}

export function sameAnswer(a: Answer, b: Answer): boolean {
  return a.status === b.status && a.contentType === b.contentType && a.bodySha256 === b.bodySha256;
}

/** Flask answers OPTIONS itself, and 405 means no view ran; anything else reached the view. */
export function exercised(probe: Probe, status: number): boolean {
  return probe.method !== "OPTIONS" && status !== 405;
}

/** Rules no probe ran the view of. */
export function notExercised(dump: RouteDump, results: RouteResult[]): string[] {
  const ran = new Set(results.filter((r) => r.exercised).map((r) => r.rule));
  return dump.rules.filter((r) => !ran.has(r.rule)).map((r) => `${r.methods.filter((m) => m !== "HEAD" && m !== "OPTIONS").join(",") || "OPTIONS"} ${r.rule}`);
}
