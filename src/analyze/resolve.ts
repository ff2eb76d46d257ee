/** Joins per-file facts: resolves names across modules, then builds the app's url_map the way Flask would. Pure. */
import type { FileFacts, AppDef, BlueprintDef, RouteDecl, FactoryDef } from "./python.ts";
import type { Route, SourceRef } from "./model.ts";

export type Def =
  | { kind: "app"; facts: FileFacts; def: AppDef }
  | { kind: "blueprint"; facts: FileFacts; def: BlueprintDef }
  | { kind: "factory"; facts: FileFacts; def: FactoryDef }
  | { kind: "module"; facts: FileFacts };

export function defKey(d: Def): string {
  if (d.kind === "module") return `${d.facts.module}`;
  if (d.kind === "factory") return `${d.facts.module}:${d.def.name}()`;
  return `${d.facts.module}|${d.def.scope}|${d.def.var}`;
}

function enclosing(scope: string): string[] {
  const out: string[] = [];
  let s = scope;
  for (;;) {
    out.push(s);
    if (!s) break;
    const i = s.lastIndexOf(".");
    s = i < 0 ? "" : s.slice(0, i);
  }
  return out;
}

export class Resolver {
  constructor(readonly modules: Map<string, FileFacts>) {}

  /** What a (dotted) name used in `facts` at `scope` refers to. */
  resolve(facts: FileFacts, scope: string, dotted: string, depth = 0): Def | undefined {
    if (depth > 8) return undefined;
    const [head, ...rest] = dotted.split(".");
    let d = this.resolveName(facts, scope, head, depth);
    for (const part of rest) {
      if (d?.kind !== "module") return undefined;
      d = this.member(d.facts, part, depth + 1);
    }
    return d;
  }

  private resolveName(facts: FileFacts, scope: string, name: string, depth: number): Def | undefined {
    for (const s of enclosing(scope)) {
      const app = lastBefore(facts.apps.filter((a) => a.scope === s && a.var === name));
      if (app) return { kind: "app", facts, def: app };
      const bp = lastBefore(facts.blueprints.filter((b) => b.scope === s && b.var === name));
      if (bp) return { kind: "blueprint", facts, def: bp };
      const imp = facts.imports.filter((i) => i.scope === s && i.local === name).pop();
      if (imp) return this.fromImport(imp.module, imp.name, depth + 1);
    }
    const factory = facts.factories.find((f) => f.name === name);
    if (factory) return { kind: "factory", facts, def: factory };
    const call = facts.moduleCalls.find((c) => c.var === name);
    if (call) {
      const callee = this.resolve(facts, "", call.callee, depth + 1);
      if (callee?.kind === "factory") return this.factoryApp(callee);
    }
    const alias = facts.moduleAliases.get(name);
    if (alias && alias !== name) return this.resolve(facts, "", alias, depth + 1);
    return undefined;
  }

  private fromImport(module: string, name: string | undefined, depth: number): Def | undefined {
    if (name === undefined) {
      const m = this.modules.get(module);
      return m ? { kind: "module", facts: m } : undefined;
    }
    const sub = this.modules.get(`${module}.${name}`);
    const m = this.modules.get(module);
    if (m) {
      const d = this.member(m, name, depth);
      if (d) return d;
    }
    return sub ? { kind: "module", facts: sub } : undefined;
  }

  /** A module-level name of a module (what `from m import name` gets). */
  member(facts: FileFacts, name: string, depth: number): Def | undefined {
    const d = this.resolveName(facts, "", name, depth);
    if (d) return d;
    const sub = this.modules.get(`${facts.module}.${name}`);
    return sub ? { kind: "module", facts: sub } : undefined;
  }

  /** The app a factory creates (its Flask() assignment). */
  factoryApp(f: Extract<Def, { kind: "factory" }>): Def | undefined {
    const app = f.facts.apps.find((a) => a.scope === f.def.name || a.scope.startsWith(`${f.def.name}.`));
    return app ? { kind: "app", facts: f.facts, def: app } : undefined;
  }
}

function lastBefore<T>(list: T[]): T | undefined {
  return list[list.length - 1];
}

const ref = (facts: FileFacts, line: number): SourceRef => ({ file: facts.file, line });

export interface UrlMap {
  routes: Route[];
  /** Blueprints whose routes are in the map, by key. */
  blueprintsUsed: Set<string>;
  problems: { message: string; source?: SourceRef }[];
  /** A register_blueprint call whose blueprint could not be resolved (dynamic registration). */
  dynamicRegistration: boolean;
}

interface Mount {
  prefix: string | undefined | null;
  name: string;
}

/** Flask's rule joining (BlueprintSetupState.add_url_rule). */
export function joinRule(prefix: string | undefined, rule: string): string {
  if (prefix === undefined) return rule;
  return rule ? [prefix.replace(/\/+$/, ""), rule.replace(/^\/+/, "")].join("/") : prefix;
}

function joinPrefix(outer: string | undefined | null, inner: string | undefined | null): string | undefined | null {
  if (outer === null || inner === null) return null;
  if (outer !== undefined && inner !== undefined) return `${outer.replace(/\/+$/, "")}/${inner.replace(/^\/+/, "")}`;
  return inner ?? outer;
}

export function converters(rule: string): Route["converters"] {
  const out: Route["converters"] = [];
  for (const m of rule.matchAll(/<(?:([A-Za-z_]\w*)(?:\(([^)]*)\))?:)?([A-Za-z_]\w*)>/g)) {
    const c: Route["converters"][number] = { name: m[3], type: m[1] ?? "string" };
    if (m[2] !== undefined) c.args = m[2];
    out.push(c);
  }
  return out;
}

function dirOf(file: string): string {
  const i = file.lastIndexOf("/");
  return i < 0 ? "" : file.slice(0, i);
}

/** Folder relative to the project root for a folder argument given relative to the defining module. */
export function folderOf(facts: FileFacts, folder: string): string {
  const base = dirOf(facts.file);
  const parts = (base ? `${base}/${folder}` : folder).split("/");
  const out: string[] = [];
  for (const p of parts) {
    if (p === "..") out.pop();
    else if (p && p !== ".") out.push(p);
  }
  return out.join("/");
}

/** Routes of one app (or of every app when `app` is undefined), with blueprint prefixes and names applied. */
export function buildUrlMap(all: FileFacts[], r: Resolver, app: Def | undefined): UrlMap {
  const map: UrlMap = { routes: [], blueprintsUsed: new Set(), problems: [], dynamicRegistration: false };
  const appKeys = new Set<string>();
  if (app?.kind === "app") appKeys.add(defKey(app));
  else for (const f of all) for (const a of f.apps) appKeys.add(defKey({ kind: "app", facts: f, def: a }));

  // Registration edges: parent key → children with their options.
  const edges: { parent: string; child: Extract<Def, { kind: "blueprint" }>; prefix?: string | null; name?: string }[] = [];
  for (const f of all)
    for (const reg of f.registrations) {
      const parent = r.resolve(f, reg.scope, reg.parent);
      const child = r.resolve(f, reg.scope, reg.child);
      if (!parent || (parent.kind !== "app" && parent.kind !== "blueprint")) continue;
      if (child?.kind !== "blueprint") {
        if (parent.kind === "app" && appKeys.has(defKey(parent))) {
          map.dynamicRegistration = true;
          map.problems.push({ message: `register_blueprint(${reg.child}): cannot tell which blueprint this is`, source: ref(f, reg.line) });
        }
        continue;
      }
      edges.push({ parent: defKey(parent), child, prefix: reg.urlPrefix, name: reg.name });
    }
  for (const f of all)
    for (const init of f.apiInits) {
      const api = r.resolve(f, init.scope, init.api);
      const parent = r.resolve(f, init.scope, init.parent);
      if (api?.kind !== "blueprint" || !api.def.api || !parent || (parent.kind !== "app" && parent.kind !== "blueprint")) continue;
      edges.push({ parent: defKey(parent), child: api });
    }

  const mounts = new Map<string, Mount[]>();
  const mountsOf = (key: string, seen: Set<string>): Mount[] => {
    if (appKeys.has(key)) return [{ prefix: undefined, name: "" }];
    if (mounts.has(key)) return mounts.get(key)!;
    if (seen.has(key)) return [];
    seen.add(key);
    const out: Mount[] = [];
    for (const e of edges) {
      if (defKey(e.child) !== key) continue;
      const own = e.prefix !== undefined ? e.prefix : e.child.def.urlPrefix;
      const bpName = e.name ?? e.child.def.name ?? e.child.def.var;
      // An extension's Api or Namespace adds its prefix but no name to endpoints.
      for (const m of mountsOf(e.parent, seen)) out.push({ prefix: joinPrefix(m.prefix, own), name: e.child.def.api ? m.name : m.name ? `${m.name}.${bpName}` : bpName });
    }
    mounts.set(key, out);
    return out;
  };

  const classMethods = (f: FileFacts, scope: string, cls: string): string[] | undefined => {
    const local = f.classes.find((c) => c.name === cls);
    if (local) return local.httpMethods;
    const d = r.resolve(f, scope, cls.split(".")[0]);
    if (d?.kind === "module") return d.facts.classes.find((c) => c.name === cls.split(".").pop())?.httpMethods;
    for (const imp of f.imports.filter((i) => i.local === cls && i.name))
      return r.modules.get(imp.module)?.classes.find((c) => c.name === imp.name)?.httpMethods;
    return undefined;
  };

  const push = (f: FileFacts, decl: RouteDecl, prefix: string | undefined | null, bpName: string | undefined): void => {
    const dynamic = decl.rule === undefined || prefix === null;
    const rule = dynamic ? (prefix ? joinRule(prefix, decl.ruleText) : decl.ruleText) : joinRule(prefix ?? undefined, decl.rule!);
    const view = decl.endpoint ?? decl.func ?? decl.viewClass?.split(".").pop() ?? "?";
    const methods = decl.methods ?? (decl.viewClass ? classMethods(f, decl.scope, decl.viewClass) : undefined) ?? ["GET"];
    const route: Route = {
      rule,
      methods: methods.length ? methods : ["GET"],
      endpoint: bpName ? `${bpName}.${view}` : view,
      converters: dynamic ? [] : converters(rule),
      source: ref(f, decl.line),
      confidence: dynamic ? "unknown" : "static",
    };
    if (bpName) route.blueprint = bpName;
    map.routes.push(route);
  };

  const unregistered: Extract<Def, { kind: "blueprint" }>[] = [];
  for (const f of all)
    for (const decl of f.routes) {
      const target = r.resolve(f, decl.scope, decl.target);
      if (target?.kind === "app") {
        if (appKeys.has(defKey(target))) push(f, decl, undefined, undefined);
      } else if (target?.kind === "blueprint") {
        const key = defKey(target);
        const ms = mountsOf(key, new Set());
        if (ms.length) map.blueprintsUsed.add(key);
        else if (!unregistered.some((u) => defKey(u) === key)) unregistered.push(target);
        for (const m of ms) push(f, decl, m.prefix, m.name);
      }
    }
  for (const bp of unregistered) {
    if (map.dynamicRegistration) {
      for (const decl of bp.facts.routes) {
        const t = r.resolve(bp.facts, decl.scope, decl.target);
        if (t && defKey(t) === defKey(bp)) {
          push(bp.facts, decl, bp.def.urlPrefix, bp.def.name ?? bp.def.var);
          map.routes[map.routes.length - 1].confidence = "unknown";
        }
      }
    } else map.problems.push({ message: `blueprint "${bp.def.name ?? bp.def.var}" is never registered on the app, so its routes are not served`, source: ref(bp.facts, bp.def.line) });
  }
  return map;
}
