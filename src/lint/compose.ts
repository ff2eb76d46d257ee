import { parseDocument, LineCounter, isMap, isSeq, isScalar, isPair, type Node, type YAMLMap } from "yaml";

/** A compose file as rules see it: services as plain data, plus positions for any key path. */
export interface ComposeModel {
  file: string;
  text: string;
  lines: string[];
  services: ComposeService[];
  /** YAML syntax errors, with position. */
  errors: { line: number; column: number; message: string }[];
}

export interface ComposeService {
  name: string;
  line: number;
  data: Record<string, unknown>;
  /** Position of the value at a key path under this service (`at("ports", 0)`), or of the service itself. */
  at: (...path: (string | number)[]) => { line: number; column: number };
}

export function parseCompose(text: string, file = "compose.yaml"): ComposeModel {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const pos = (offset: number | undefined) => {
    const p = lineCounter.linePos(offset ?? 0);
    return { line: p.line, column: p.col };
  };
  const model: ComposeModel = {
    file,
    text,
    lines: text.split(/\r?\n/),
    services: [],
    errors: doc.errors.map((e) => ({ ...pos(e.pos[0]), message: e.message.split("\n")[0] })),
  };
  const root = doc.contents;
  if (!isMap(root)) return model;
  const services = root.get("services", true);
  if (!isMap(services)) return model;
  for (const pair of services.items) {
    if (!isPair(pair) || !isScalar(pair.key)) continue;
    const node = pair.value as Node | null;
    const name = String(pair.key.value);
    const keyPos = pos(pair.key.range?.[0]);
    const data = isMap(node) ? (node.toJS(doc) as Record<string, unknown>) : {};
    model.services.push({
      name,
      line: keyPos.line,
      data,
      at: (...path) => {
        let cur: unknown = node;
        let last = keyPos;
        for (const k of path) {
          if (isMap(cur)) {
            const p = (cur as YAMLMap).items.find((it) => isScalar(it.key) && it.key.value === k);
            if (!p) break;
            last = pos((p.key as Node).range?.[0]);
            cur = p.value;
          } else if (isSeq(cur) && typeof k === "number" && cur.items[k]) {
            cur = cur.items[k];
            last = pos((cur as Node).range?.[0]);
          } else break;
        }
        return last;
      },
    });
  }
  return model;
}

/** `environment:` as a list of [name, value] whether written as a map or as `- NAME=value`. */
export function environmentOf(service: ComposeService): [string, string | null, number][] {
  const env = service.data.environment;
  if (Array.isArray(env)) {
    return env.map((e, i) => {
      const s = String(e);
      const eq = s.indexOf("=");
      return eq < 0 ? [s, null, i] : [s.slice(0, eq), s.slice(eq + 1), i];
    });
  }
  if (env && typeof env === "object") return Object.entries(env).map(([k, v], i) => [k, v == null ? null : String(v), i]);
  return [];
}

/** Images that are databases, by repository name. */
export function databaseKind(image: string): string | null {
  const name = image.split("@")[0].split(":")[0].split("/").pop() ?? "";
  const m = /^(postgres|postgis|mysql|mariadb|mongo|redis|valkey|elasticsearch|cassandra|couchdb|neo4j|influxdb|timescaledb)/.exec(name);
  return m ? m[1] : null;
}
