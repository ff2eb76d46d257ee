/** Entry candidates (gunicorn targets) from every kind of evidence, merged and ranked. Pure. */
import type { EntryCandidate, SourceRef } from "./model.ts";
import type { FileFacts } from "./python.ts";
import type { Resolver } from "./resolve.ts";
import type { ServerCommand } from "./projectfiles.ts";

export interface Evidence {
  facts: FileFacts[];
  resolver: Resolver;
  /** Source root of each module ("." or "src"). */
  rootOf: Map<string, string>;
  flaskApp?: { value: string; file: string; line: number };
  commands: { cmd: ServerCommand; file: string; line: number; reason: string; score: number }[];
}

const PENALIZED_DIR = /(^|\/)(tests?|testing|docs?|examples?|samples?|scripts|migrations|benchmarks?|tools)(\/|$)/;

function placeScore(f: FileFacts): number {
  const base = f.file.split("/").pop()!.replace(/\.py$/, "");
  let s = 0;
  if (PENALIZED_DIR.test(f.file) || /^(test_.*|.*_test|conftest)$/.test(base)) s -= 40;
  if (base === "wsgi") s += 15;
  else if (["app", "application"].includes(base)) s += 10;
  else if (["main", "server", "run", "api", "__init__", "index", "web"].includes(base)) s += 5;
  s -= 2 * (f.file.split("/").length - 1);
  return s;
}

type Cand = EntryCandidate & { reasons: string[] };

export function rankEntries(ev: Evidence): EntryCandidate[] {
  const byTarget = new Map<string, Cand>();
  const add = (c: Omit<EntryCandidate, "target"> & { target?: string }): void => {
    const target = c.target ?? (c.kind === "factory" ? `${c.module}:${c.object}(${c.factoryArgs ?? ""})` : `${c.module}:${c.object}`);
    const prev = byTarget.get(target);
    if (!prev) {
      byTarget.set(target, { ...c, target, reasons: [c.reason] });
      return;
    }
    if (!prev.reasons.includes(c.reason)) prev.reasons.push(c.reason);
    if (c.score > prev.score) Object.assign(prev, { ...c, target, reasons: prev.reasons, score: c.score + 5 });
    else prev.score += 5;
    if (c.chdir && !prev.chdir) prev.chdir = c.chdir;
  };
  const chdirOf = (module: string): string | undefined => {
    const r = ev.rootOf.get(module);
    return r && r !== "." ? r : undefined;
  };
  const src = (f: FileFacts, line: number): SourceRef => ({ file: f.file, line });
  const factoryCallArgs = new Map<string, string>();

  for (const f of ev.facts) {
    const place = placeScore(f);
    for (const a of f.apps.filter((x) => !x.scope)) {
      const runs = f.runs.some((r) => r.target === a.var && r.mainGuard);
      add({
        module: f.module, object: a.var, kind: "object", reason: "Flask() assignment", source: src(f, a.line),
        score: 60 + place + (["app", "application"].includes(a.var) ? 5 : 0) + (runs ? 5 : 0), chdir: chdirOf(f.module),
      });
    }
    for (const c of f.moduleCalls) {
      const callee = ev.resolver.resolve(f, "", c.callee);
      if (callee?.kind !== "factory") continue;
      factoryCallArgs.set(`${callee.facts.module}:${callee.def.name}`, c.argsText);
      add({ module: f.module, object: c.var, kind: "object", reason: "factory call assignment", source: src(f, c.line), score: 62 + place, chdir: chdirOf(f.module) });
    }
    if (f.module.split(".").pop() === "wsgi")
      for (const imp of f.imports.filter((i) => !i.scope && i.name)) {
        const d = ev.resolver.resolve(f, "", imp.local);
        if (d?.kind === "app" && !d.def.scope)
          add({ module: f.module, object: imp.local, kind: "object", reason: "wsgi.py", source: src(f, imp.line), score: 62 + place, chdir: chdirOf(f.module) });
      }
  }
  for (const f of ev.facts)
    for (const fac of f.factories) {
      const known = factoryCallArgs.get(`${f.module}:${fac.name}`);
      const needsArgs = fac.requiredParams.length > 0;
      const args = needsArgs ? (known ?? "") : "";
      // gunicorn evaluates "module:factory(args)" with ast.literal_eval: `create_app(os.getenv("X"))` cannot be
      // passed, so the module that makes that call (its `app = create_app(...)`) is the target to use.
      const unusable = needsArgs && known !== undefined && !literalArgs(known);
      add({
        module: f.module, object: fac.name, kind: "factory", factoryArgs: args,
        reason: needsArgs && known === undefined ? `factory function (needs arguments: ${fac.requiredParams.join(", ")})` : unusable ? "factory function (called with arguments gunicorn cannot pass)" : "factory function",
        source: src(f, fac.line),
        score: 55 + placeScore(f) + (["create_app", "make_app"].includes(fac.name) ? 5 : 0) - (needsArgs && known === undefined ? 30 : 0) - (unusable ? 30 : 0),
        chdir: chdirOf(f.module),
      });
    }

  if (ev.flaskApp) {
    const c = fromFlaskApp(ev, ev.flaskApp.value);
    if (c) add({ ...c, reason: `FLASK_APP in ${ev.flaskApp.file}`, source: { file: ev.flaskApp.file, line: ev.flaskApp.line }, score: 90 });
  }
  for (const { cmd, file, line, reason, score } of ev.commands) {
    if (!cmd.target || cmd.devServer) continue;
    const [module, rest = "application"] = cmd.target.split(":");
    const call = /^([\w.]+)\((.*)\)$/.exec(rest);
    add({
      target: cmd.target.includes(":") ? cmd.target : `${module}:application`,
      module, object: call ? call[1] : rest, kind: call ? "factory" : "object", factoryArgs: call ? call[2] : undefined,
      reason, source: { file, line }, score, chdir: cmd.chdir ?? chdirOf(module),
    });
  }

  return [...byTarget.values()]
    .map(({ reasons, ...c }) => ({ ...c, reason: reasons.join("; "), score: Math.max(0, Math.min(100, c.score)) }))
    .map((c) => (c.chdir === undefined ? (delete c.chdir, c) : c))
    .map((c) => (c.kind === "object" ? (delete c.factoryArgs, c) : c))
    .sort((a, b) => b.score - a.score || a.target.localeCompare(b.target));
}

/**
 * Whether call arguments are what gunicorn (and `flask --app`) accept in "module:factory(args)": Python literals,
 * positional or by keyword (`"prod"`, `config="x", debug=False`), not expressions like `os.getenv("X")`.
 */
export function literalArgs(text: string): boolean {
  const noStrings = text.replace(/(?<![\w])[rRuUbB]?("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')/g, "0");
  if (/["'`]/.test(noStrings)) return false; // f-strings, unterminated quotes
  if (!/^[\s\w=,.+\-()[\]{}:]*$/.test(noStrings)) return false;
  for (const m of noStrings.matchAll(/[A-Za-z_]\w*/g)) {
    if (["True", "False", "None"].includes(m[0])) continue;
    if (/^[\d_]/.test(m[0])) continue;
    const after = noStrings.slice(m.index! + m[0].length);
    const before = noStrings.slice(0, m.index);
    if (/^\s*=(?!=)/.test(after) && /(^|[(,])\s*$/.test(before)) continue; // a keyword argument's name
    if (/\d$/.test(before)) continue; // part of a number (1e5, 0x1f)
    return false;
  }
  return true;
}

/** FLASK_APP as the flask CLI reads it: "module", "module:name", "module:factory(args)", "path/file.py[:name]". */
function fromFlaskApp(ev: Evidence, value: string): Omit<EntryCandidate, "reason" | "score" | "target"> & { target?: string } | undefined {
  let [modPart, name] = value.split(":");
  if (modPart.endsWith(".py") || modPart.includes("/")) {
    const file = modPart.replace(/^\.\//, "").replace(/\/$/, "");
    const f = ev.facts.find((x) => x.file === file || x.file === `${file}/__init__.py` || x.file === `${file}.py`);
    if (!f) return undefined;
    modPart = f.module;
  }
  const facts = ev.facts.find((f) => f.module === modPart);
  const chdir = ev.rootOf.get(modPart);
  const base = { module: modPart, chdir: chdir && chdir !== "." ? chdir : undefined };
  if (name && /\(.*\)$/.test(name)) {
    const [, fn, args] = /^([\w.]+)\((.*)\)$/.exec(name)!;
    return { ...base, object: fn, kind: "factory", factoryArgs: args };
  }
  if (!facts) return name ? { ...base, object: name, kind: "object" } : undefined;
  const names = name ? [name] : ["app", "application"];
  for (const n of names) {
    const d = ev.resolver.resolve(facts, "", n);
    if (d?.kind === "factory") return { ...base, object: n, kind: "factory", factoryArgs: "" };
    if (d) return { ...base, object: n, kind: "object" };
  }
  if (!name) {
    const fac = facts.factories.find((f) => f.name === "create_app") ?? facts.factories.find((f) => f.name === "make_app");
    if (fac) return { ...base, object: fac.name, kind: "factory", factoryArgs: "" };
  }
  return name ? { ...base, object: name, kind: "object" } : undefined;
}
