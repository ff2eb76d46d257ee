/**
 * Facts from one Python file, read with tree-sitter: pure given the file's text and module name.
 * Nothing here resolves across files; index.ts joins the facts of all files.
 */
import { parsePython, stringValue, literalText, dottedName, callArgs, lineOf, type Node } from "./parse.ts";
import { isSecretName, isSecretValueName, serviceForUrl, urlHasCredentials } from "./patterns.ts";

export interface ImportBinding {
  scope: string;
  local: string;
  /** Absolute module imported from. */
  module: string;
  /** The imported name for `from m import name`; undefined for `import m`. */
  name?: string;
  line: number;
}

export interface FlaskCtorArgs {
  /** null when static_folder=None (no static route). */
  staticFolder?: string | null;
  staticUrlPath?: string;
  templateFolder?: string;
  instanceRelative?: boolean;
  /** A keyword whose value is not a literal, so the static route cannot be known. */
  dynamic?: string[];
}

export interface AppDef extends FlaskCtorArgs {
  scope: string;
  var: string;
  line: number;
}

export interface BlueprintDef extends FlaskCtorArgs {
  scope: string;
  var: string;
  /** First argument: the blueprint's name (endpoint prefix). */
  name?: string;
  urlPrefix?: string;
  /**
   * An extension's routing object rather than a Flask Blueprint: a Flask-RESTful/RESTX/smorest `Api` or a RESTX
   * `Namespace`. It mounts like a blueprint (prefix, parent) but adds no name to endpoints.
   */
  api?: "api" | "namespace";
  line: number;
}

export interface RouteDecl {
  scope: string;
  /** The object the route is on, as written ("app", "bp", "views.bp"). */
  target: string;
  /** undefined when the rule is not a literal. */
  rule?: string;
  ruleText: string;
  methods?: string[];
  endpoint?: string;
  /** View function name, or the MethodView class for `as_view`. */
  func?: string;
  viewClass?: string;
  line: number;
}

export interface Registration {
  scope: string;
  parent: string;
  child: string;
  /** undefined: not given (the blueprint's own url_prefix applies); null: given but not a literal. */
  urlPrefix?: string | null;
  name?: string;
  line: number;
}

export interface FactoryDef {
  name: string;
  line: number;
  /** Parameters without a default value (the factory cannot be called bare). */
  requiredParams: string[];
  createsApp: boolean;
}

/** A module-level `x = f(args)`: how wsgi.py files call a factory. */
export interface ModuleCall {
  var: string;
  callee: string;
  argsText: string;
  line: number;
}

export interface RunCall {
  scope: string;
  target: string;
  mainGuard: boolean;
  port?: { value?: number; envVar?: string };
  host?: string;
  debug?: boolean;
  line: number;
}

export interface EnvRead {
  name: string;
  default?: string;
  required: boolean;
  how: string;
  line: number;
}

export interface ClassDef {
  name: string;
  bases: string[];
  /** HTTP methods the class defines (get → GET), or its `methods = [...]` attribute. */
  httpMethods: string[];
  line: number;
}

export interface LocalFinding {
  id: string;
  severity: "error" | "warning" | "info";
  message: string;
  line: number;
}

export interface FileFacts {
  file: string;
  module: string;
  imports: ImportBinding[];
  /** Absolute import roots ("flask", "psycopg2") with their first line. */
  importRoots: Map<string, number>;
  apps: AppDef[];
  blueprints: BlueprintDef[];
  routes: RouteDecl[];
  registrations: Registration[];
  /** `x.init_app(app)` calls: an extension's Api created without its app (resolved later: only Api objects count). */
  apiInits: { scope: string; api: string; parent: string; line: number }[];
  factories: FactoryDef[];
  moduleCalls: ModuleCall[];
  /** Module-level names bound by a plain `x = ...` or def/class (for wsgi aliases). */
  moduleAliases: Map<string, string>;
  runs: RunCall[];
  env: EnvRead[];
  prefixedEnv: { prefix: string; line: number }[];
  classes: ClassDef[];
  urls: { kind: string; url: string; line: number }[];
  /** app.config.from_pyfile(name, silent=...) calls. */
  configFiles: { name: string; silent: boolean; line: number }[];
  writable: { path: string; why: string; line: number }[];
  secrets: LocalFinding[];
  debug: LocalFinding[];
  syntaxError?: { line: number; column: number };
}

const ROUTE_METHODS: Record<string, string[] | undefined> = {
  route: undefined,
  get: ["GET"],
  post: ["POST"],
  put: ["PUT"],
  delete: ["DELETE"],
  patch: ["PATCH"],
};
const HTTP_METHODS = ["get", "post", "put", "delete", "patch", "head", "options"];
const INTERESTING_CALL = /(^|\.)(get|getenv|register_blueprint|add_url_rule|add_resource|add_namespace|init_app|run|from_envvar|from_pyfile|from_prefixed_env|from_mapping|update|dict|connect)$/;
const URLISH = /(postgres|mysql|mariadb|redis|mongodb|sqlite)[\w+]*:\/\//i;

/** The callee of a call as written when it is a plain dotted name ("os.environ.get"), else "". */
function calleeText(text: string, start: number, end: number): string {
  const paren = text.indexOf("(", start);
  if (paren < 0 || paren > end) return "";
  const callee = text.slice(start, paren);
  return /^[\w.\s]+$/.test(callee) ? callee.replace(/\s+/g, "") : "";
}

interface Ctx {
  scope: string;
  mainGuard: boolean;
  inClass?: string;
}

export async function pythonFacts(text: string, file: string, module: string, isPackage: boolean): Promise<FileFacts> {
  const facts: FileFacts = {
    file, module, imports: [], importRoots: new Map(), apps: [], blueprints: [], routes: [], registrations: [], apiInits: [],
    factories: [], moduleCalls: [], moduleAliases: new Map(), runs: [], env: [], prefixedEnv: [], classes: [],
    urls: [], configFiles: [], writable: [], secrets: [], debug: [],
  };
  const tree = await parsePython(text);
  try {
    const moduleAssigns = new Map<string, Node>();
    const runNodes: { call: Node; ctx: Ctx; target: string }[] = [];
    const flaskNames = new Set(["Flask", "flask.Flask", "apiflask.APIFlask"]);
    const bpNames = new Set(["Blueprint", "flask.Blueprint", "flask_smorest.Blueprint", "apiflask.APIBlueprint"]);
    // REST extensions: Api(app or bp, prefix=...) and RESTX namespaces route like blueprints.
    const apiNames = new Set(["flask_restful.Api", "flask_restx.Api", "flask_restplus.Api", "flask_smorest.Api"]);
    const nsNames = new Set(["flask_restx.Namespace", "flask_restplus.Namespace"]);

    const resolveRelative = (prefixDots: number, rest: string | undefined): string => {
      const parts = module.split(".");
      const pkg = isPackage ? parts : parts.slice(0, -1);
      const base = pkg.slice(0, Math.max(0, pkg.length - (prefixDots - 1)));
      return [...base, ...(rest ? [rest] : [])].join(".");
    };

    const envRead = (call: Node, fn: string): void => {
      const { positional, keywords } = callArgs(call);
      const nameNode = positional[0] ?? keywords.get("key");
      const name = stringValue(nameNode);
      if (!name) return;
      const defNode = positional[1] ?? keywords.get("default");
      const def = literalText(defNode);
      const how = fn.endsWith("getenv") ? "os.getenv" : "os.environ.get";
      facts.env.push({ name, default: def, required: false, how, line: lineOf(call) });
      if (def && isSecretName(name))
        facts.secrets.push({
          id: "secret-default",
          severity: "warning",
          message: `${name} falls back to a hard-coded value when the environment does not set it`,
          line: lineOf(call),
        });
    };

    const flaskArgs = (call: Node): FlaskCtorArgs => {
      const { keywords } = callArgs(call);
      const out: FlaskCtorArgs = {};
      const dynamic: string[] = [];
      const sf = keywords.get("static_folder");
      if (sf) {
        if (sf.type === "none") out.staticFolder = null;
        else if (stringValue(sf) !== undefined) out.staticFolder = stringValue(sf);
        else dynamic.push("static_folder");
      }
      const su = keywords.get("static_url_path");
      if (su) {
        if (stringValue(su) !== undefined) out.staticUrlPath = stringValue(su);
        else if (su.type !== "none") dynamic.push("static_url_path");
      }
      const tf = keywords.get("template_folder");
      if (tf && stringValue(tf) !== undefined) out.templateFolder = stringValue(tf);
      const ir = keywords.get("instance_relative_config");
      if (ir?.type === "true") out.instanceRelative = true;
      if (dynamic.length) out.dynamic = dynamic;
      return out;
    };

    const secretAssign = (name: string, value: Node, line: number): void => {
      const v = stringValue(value);
      if (v && isSecretValueName(name))
        facts.secrets.push({ id: "secret-hardcoded", severity: "error", message: `${name} is hard-coded in source`, line });
    };

    const targetName = (left: Node): string | undefined => {
      if (left.type === "identifier") return left.text;
      if (left.type === "attribute") return left.childForFieldName("attribute")?.text;
      if (left.type === "subscript") return stringValue(left.childForFieldName("subscript"));
      return undefined;
    };

    const onAssignment = (node: Node, ctx: Ctx): void => {
      const left = node.childForFieldName("left");
      const right = node.childForFieldName("right");
      if (!left || !right) return;
      const name = targetName(left);
      if (name) {
        secretAssign(name, right, lineOf(node));
        const value = stringValue(right);
        if (value !== undefined && /^(UPLOAD_FOLDER|UPLOAD_DIR|UPLOADS_DEFAULT_DEST|MEDIA_ROOT)$/i.test(name))
          facts.writable.push({ path: value, why: `${name} (uploads)`, line: lineOf(node) });
        if (/^debug$/i.test(name) && right.type === "true" && left.type !== "identifier")
          facts.debug.push({ id: "debug-true", severity: "warning", message: `${left.text} = True enables the debugger`, line: lineOf(node) });
      }
      if (left.type !== "identifier") return;
      const v = left.text;
      if (!ctx.scope) {
        moduleAssigns.set(v, right);
        const alias = dottedName(right);
        if (alias) facts.moduleAliases.set(v, alias);
      }
      if (right.type === "call") {
        const fn = dottedName(right.childForFieldName("function"));
        if (!fn) return;
        if (flaskNames.has(fn)) facts.apps.push({ scope: ctx.scope, var: v, line: lineOf(node), ...flaskArgs(right) });
        else if (bpNames.has(fn)) {
          const { positional, keywords } = callArgs(right);
          const prefixNode = keywords.get("url_prefix");
          facts.blueprints.push({
            scope: ctx.scope, var: v, line: lineOf(node),
            name: stringValue(positional[0] ?? keywords.get("name")),
            urlPrefix: stringValue(prefixNode),
            ...flaskArgs(right),
          });
        } else if (apiNames.has(fn)) {
          const { positional, keywords } = callArgs(right);
          facts.blueprints.push({ scope: ctx.scope, var: v, line: lineOf(node), api: "api", urlPrefix: stringValue(keywords.get("prefix")) });
          const parent = dottedName(positional[0] ?? keywords.get("app"));
          if (parent) facts.registrations.push({ scope: ctx.scope, parent, child: v, line: lineOf(node) });
        } else if (nsNames.has(fn) || (fn.endsWith(".namespace") && right.childForFieldName("arguments")?.namedChildren[0]?.type === "string")) {
          // Namespace("todos", path="/t"), or api.namespace("todos"): mounted at path, by default "/<name>".
          const { positional, keywords } = callArgs(right);
          const name = stringValue(positional[0] ?? keywords.get("name"));
          const path = keywords.get("path");
          facts.blueprints.push({ scope: ctx.scope, var: v, line: lineOf(node), api: "namespace", urlPrefix: path ? stringValue(path) : name !== undefined ? `/${name}` : undefined });
          if (!nsNames.has(fn)) facts.registrations.push({ scope: ctx.scope, parent: fn.slice(0, fn.lastIndexOf(".")), child: v, line: lineOf(node) });
        } else if (!ctx.scope) {
          const argsNode = right.childForFieldName("arguments");
          facts.moduleCalls.push({ var: v, callee: fn, argsText: argsNode ? argsNode.text.slice(1, -1).trim() : "", line: lineOf(node) });
        }
      }
    };

    const onCall = (node: Node, ctx: Ctx): void => {
      const fnNode = node.childForFieldName("function");
      const fn = dottedName(fnNode);
      if (!fn) return;
      const last = fn.slice(fn.lastIndexOf(".") + 1);
      const obj = fn.includes(".") ? fn.slice(0, fn.lastIndexOf(".")) : "";
      if (fn === "os.environ.get" || fn === "environ.get" || fn === "os.getenv" || fn === "getenv") envRead(node, fn);
      else if (last === "register_blueprint" && obj) {
        const { positional, keywords } = callArgs(node);
        const child = dottedName(positional[0] ?? keywords.get("blueprint"));
        if (!child) return;
        const p = keywords.get("url_prefix");
        facts.registrations.push({
          scope: ctx.scope, parent: obj, child, line: lineOf(node),
          urlPrefix: p === undefined ? undefined : (stringValue(p) ?? null),
          name: stringValue(keywords.get("name")),
        });
      } else if (last === "add_url_rule" && obj) {
        const { positional, keywords } = callArgs(node);
        const ruleNode = positional[0] ?? keywords.get("rule");
        if (!ruleNode) return;
        let endpoint = stringValue(positional[1] ?? keywords.get("endpoint"));
        const viewNode = positional[2] ?? keywords.get("view_func");
        let func: string | undefined;
        let viewClass: string | undefined;
        if (viewNode?.type === "call") {
          const vf = dottedName(viewNode.childForFieldName("function"));
          if (vf?.endsWith(".as_view")) {
            viewClass = vf.slice(0, -".as_view".length);
            const { positional: vp, keywords: vk } = callArgs(viewNode);
            endpoint ??= stringValue(vp[0] ?? vk.get("name"));
          }
        } else func = dottedName(viewNode)?.split(".").pop();
        facts.routes.push({
          scope: ctx.scope, target: obj, rule: stringValue(ruleNode), ruleText: ruleNode.text,
          methods: stringList(keywords.get("methods")), endpoint, func, viewClass, line: lineOf(node),
        });
      } else if (last === "add_resource" && obj) {
        // Flask-RESTful / RESTX: api.add_resource(Resource, "/a", "/b", endpoint="x")
        const { positional, keywords } = callArgs(node);
        const viewClass = dottedName(positional[0] ?? keywords.get("resource"));
        for (const ruleNode of positional.slice(1))
          facts.routes.push({
            scope: ctx.scope, target: obj, rule: stringValue(ruleNode), ruleText: ruleNode.text,
            endpoint: stringValue(keywords.get("endpoint")) ?? viewClass?.split(".").pop()?.toLowerCase(), viewClass, line: lineOf(node),
          });
      } else if (last === "add_namespace" && obj) {
        const { positional, keywords } = callArgs(node);
        const child = dottedName(positional[0] ?? keywords.get("ns"));
        const p = positional[1] ?? keywords.get("path");
        if (child) facts.registrations.push({ scope: ctx.scope, parent: obj, child, line: lineOf(node), urlPrefix: p === undefined ? undefined : (stringValue(p) ?? null) });
      } else if (last === "init_app" && obj && !obj.includes(".")) {
        const { positional, keywords } = callArgs(node);
        const parent = dottedName(positional[0] ?? keywords.get("app"));
        if (parent) facts.apiInits.push({ scope: ctx.scope, api: obj, parent, line: lineOf(node) });
      } else if (last === "run" && obj && !obj.includes(".")) runNodes.push({ call: node, ctx, target: obj });
      else if (last === "from_pyfile" && obj.endsWith("config")) {
        const { positional, keywords } = callArgs(node);
        const name = stringValue(positional[0] ?? keywords.get("filename"));
        const silent = (positional[1] ?? keywords.get("silent"))?.type === "true";
        if (name) facts.configFiles.push({ name, silent, line: lineOf(node) });
      } else if (last === "from_envvar" && obj.endsWith("config")) {
        const { positional, keywords } = callArgs(node);
        const name = stringValue(positional[0] ?? keywords.get("variable_name"));
        const silent = (positional[1] ?? keywords.get("silent"))?.type === "true";
        if (name) facts.env.push({ name, required: !silent, how: "from_envvar", line: lineOf(node) });
      } else if (last === "from_prefixed_env" && obj.endsWith("config")) {
        const { positional, keywords } = callArgs(node);
        const prefixNode = positional[0] ?? keywords.get("prefix");
        facts.prefixedEnv.push({ prefix: prefixNode ? (stringValue(prefixNode) ?? "?") : "FLASK", line: lineOf(node) });
      } else if ((last === "from_mapping" || last === "update") && obj.endsWith("config") || fn === "dict") {
        for (const [k, v] of callArgs(node).keywords) secretAssign(k, v, lineOf(v));
      } else if (fn === "sqlite3.connect" || (fn === "connect" && facts.importRoots.has("sqlite3"))) {
        const p = stringValue(callArgs(node).positional[0]);
        if (p && p !== ":memory:") facts.writable.push({ path: p, why: "sqlite database", line: lineOf(node) });
      }
    };

    const onString = (node: Node): void => {
      const v = stringValue(node);
      if (!v || v.length > 500) return;
      const kind = serviceForUrl(v);
      if (!kind) return;
      facts.urls.push({ kind, url: v, line: lineOf(node) });
      if (kind === "sqlite") {
        const path = v.replace(/^sqlite:\/\/\//, "");
        if (path && path !== ":memory:") facts.writable.push({ path, why: "sqlite database", line: lineOf(node) });
      }
      if (urlHasCredentials(v))
        facts.secrets.push({ id: "secret-in-url", severity: "warning", message: `a ${kind} URL with a password is hard-coded`, line: lineOf(node) });
    };

    const onImport = (node: Node, ctx: Ctx): void => {
      if (node.type === "import_statement") {
        for (const n of node.namedChildren) {
          if (!n) continue;
          const target = n.type === "aliased_import" ? n.childForFieldName("name") : n;
          const mod = target?.text;
          if (!mod) continue;
          const alias = n.type === "aliased_import" ? n.childForFieldName("alias")?.text : undefined;
          facts.imports.push({ scope: ctx.scope, local: alias ?? mod.split(".")[0], module: alias ? mod : mod.split(".")[0], line: lineOf(node) });
          addRoot(mod, node);
        }
        return;
      }
      // import_from_statement
      const modNode = node.childForFieldName("module_name");
      if (!modNode) return;
      let mod: string;
      if (modNode.type === "relative_import") {
        const prefix = modNode.namedChildren.find((c) => c?.type === "import_prefix")?.text ?? ".";
        const rest = modNode.namedChildren.find((c) => c?.type === "dotted_name")?.text;
        mod = resolveRelative(prefix.length, rest);
      } else {
        mod = modNode.text;
        addRoot(mod, node);
      }
      for (const n of node.childrenForFieldName("name")) {
        if (!n) continue;
        const nameNode = n.type === "aliased_import" ? n.childForFieldName("name") : n;
        const alias = n.type === "aliased_import" ? n.childForFieldName("alias")?.text : undefined;
        const name = nameNode?.text;
        if (!name) continue;
        facts.imports.push({ scope: ctx.scope, local: alias ?? name, module: mod, name, line: lineOf(node) });
        if (flaskNames.has(`${mod}.${name}`)) flaskNames.add(alias ?? name);
        if (bpNames.has(`${mod}.${name}`)) bpNames.add(alias ?? name);
        if (apiNames.has(`${mod}.${name}`)) apiNames.add(alias ?? name);
        if (nsNames.has(`${mod}.${name}`)) nsNames.add(alias ?? name);
      }
    };

    const addRoot = (mod: string, node: Node): void => {
      const root = mod.split(".")[0];
      if (root && !facts.importRoots.has(root)) facts.importRoots.set(root, lineOf(node));
    };

    const onDecorated = (node: Node, ctx: Ctx): void => {
      const def = node.childForFieldName("definition");
      const func = def?.type === "function_definition" ? def.childForFieldName("name")?.text : undefined;
      // @ns.route("/x") / @blp.route("/") on a Resource or MethodView class: methods come from the class.
      const viewClass = def?.type === "class_definition" ? def.childForFieldName("name")?.text : undefined;
      for (const d of node.namedChildren) {
        if (d?.type !== "decorator") continue;
        const call = d.namedChildren.find((c) => c?.type === "call");
        if (!call) continue;
        const fn = dottedName(call.childForFieldName("function"));
        if (!fn || !fn.includes(".")) continue;
        const last = fn.slice(fn.lastIndexOf(".") + 1);
        if (!(last in ROUTE_METHODS)) continue;
        const { positional, keywords } = callArgs(call);
        const ruleNode = positional[0] ?? keywords.get("rule");
        if (!ruleNode) continue;
        facts.routes.push({
          scope: ctx.scope, target: fn.slice(0, fn.lastIndexOf(".")), rule: stringValue(ruleNode), ruleText: ruleNode.text,
          methods: ROUTE_METHODS[last] ?? stringList(keywords.get("methods")),
          endpoint: stringValue(keywords.get("endpoint")), func, viewClass, line: lineOf(call),
        });
      }
    };

    const onFunction = (node: Node, ctx: Ctx): string => {
      const name = node.childForFieldName("name")?.text ?? "?";
      if (!ctx.scope && !ctx.inClass) {
        const required: string[] = [];
        for (const p of node.childForFieldName("parameters")?.namedChildren ?? []) {
          if (p?.type === "identifier") required.push(p.text);
          else if (p?.type === "typed_parameter") {
            const id = p.namedChildren.find((c) => c?.type === "identifier");
            if (id) required.push(id.text);
          }
        }
        facts.factories.push({ name, line: lineOf(node), requiredParams: required, createsApp: false });
        facts.moduleAliases.set(name, name);
      }
      return ctx.inClass ? `${ctx.inClass}.${name}` : ctx.scope ? `${ctx.scope}.${name}` : name;
    };

    const onClass = (node: Node): string => {
      const name = node.childForFieldName("name")?.text ?? "?";
      const bases = (node.childForFieldName("superclasses")?.namedChildren ?? []).map((b) => dottedName(b) ?? "").filter(Boolean);
      const body = node.childForFieldName("body");
      const methods = new Set<string>();
      let explicit: string[] | undefined;
      for (const st of body?.namedChildren ?? []) {
        if (!st) continue;
        const fnDef = st.type === "decorated_definition" ? st.childForFieldName("definition") : st;
        if (fnDef?.type === "function_definition") {
          const n = fnDef.childForFieldName("name")?.text;
          if (n && HTTP_METHODS.includes(n)) methods.add(n.toUpperCase());
        } else if (st.type === "expression_statement") {
          const a = st.namedChildren[0];
          if (a?.type === "assignment" && a.childForFieldName("left")?.text === "methods")
            explicit = stringList(a.childForFieldName("right"));
        }
      }
      facts.classes.push({ name, bases, httpMethods: explicit ?? [...methods], line: lineOf(node) });
      return name;
    };

    const isMainGuard = (cond: Node | null): boolean => {
      if (cond?.type !== "comparison_operator") return false;
      const parts = cond.namedChildren;
      return parts.length === 2 && parts.some((p) => p?.text === "__name__") && parts.some((p) => stringValue(p) === "__main__");
    };

    // A cursor walk: node objects are only made for the few kinds the analyzer reads, and calls and strings are
    // first filtered on their source text, which keeps a file at well under a millisecond.
    const cursor = tree.walk();
    const visit = (ctx: Ctx): void => {
      const type = cursor.nodeType;
      let childCtx = ctx;
      let mainGuardIf = false;
      switch (type) {
        case "ERROR":
          if (!facts.syntaxError) facts.syntaxError = { line: cursor.startPosition.row + 1, column: cursor.startPosition.column + 1 };
          break;
        case "import_statement":
        case "import_from_statement":
          onImport(cursor.currentNode, ctx);
          return;
        case "decorated_definition":
          onDecorated(cursor.currentNode, ctx);
          break;
        case "function_definition":
          childCtx = { scope: onFunction(cursor.currentNode, ctx), mainGuard: ctx.mainGuard };
          break;
        case "class_definition": {
          const name = onClass(cursor.currentNode);
          childCtx = { ...ctx, inClass: ctx.inClass ? `${ctx.inClass}.${name}` : name };
          break;
        }
        case "if_statement":
          mainGuardIf = /^if\s*\(?\s*(__name__\s*==\s*["']__main__["']|["']__main__["']\s*==\s*__name__)/.test(text.slice(cursor.startIndex, cursor.startIndex + 40)) &&
            isMainGuard(cursor.currentNode.childForFieldName("condition"));
          break;
        case "assignment":
          onAssignment(cursor.currentNode, ctx);
          break;
        case "call":
          if (INTERESTING_CALL.test(calleeText(text, cursor.startIndex, cursor.endIndex))) onCall(cursor.currentNode, ctx);
          break;
        case "subscript":
          if (/^(os\.)?environ\s*\[/.test(text.slice(cursor.startIndex, cursor.startIndex + 16))) onEnvSubscript(cursor.currentNode);
          break;
        case "string":
          if (URLISH.test(text.slice(cursor.startIndex, Math.min(cursor.endIndex, cursor.startIndex + 40)))) onString(cursor.currentNode);
          return;
        case "comment":
          return;
      }
      if (cursor.nodeIsMissing && !facts.syntaxError) facts.syntaxError = { line: cursor.startPosition.row + 1, column: cursor.startPosition.column + 1 };
      if (!cursor.gotoFirstChild()) return;
      do {
        if (!cursor.nodeIsNamed && !cursor.nodeIsMissing) continue;
        const c = mainGuardIf ? { ...childCtx, mainGuard: cursor.currentFieldName === "consequence" } : childCtx;
        visit(c);
      } while (cursor.gotoNextSibling());
      cursor.gotoParent();
    };

    const onEnvSubscript = (node: Node): void => {
      const name = stringValue(node.childForFieldName("subscript"));
      const left = node.parent?.type === "assignment" ? node.parent.childForFieldName("left") : null;
      const isWrite = left?.startIndex === node.startIndex && left?.endIndex === node.endIndex;
      if (name && !isWrite) facts.env.push({ name, required: true, how: "os.environ[]", line: lineOf(node) });
    };

    visit({ scope: "", mainGuard: false });
    cursor.delete();

    for (const f of facts.factories) f.createsApp = facts.apps.some((a) => a.scope === f.name);
    facts.factories = facts.factories.filter((f) => f.createsApp || f.name === "create_app" || f.name === "make_app");

    for (const { call, ctx, target } of runNodes) facts.runs.push(runCall(call, ctx, target, moduleAssigns, facts));
  } finally {
    tree.delete();
  }
  return facts;
}

function runCall(call: Node, ctx: Ctx, target: string, moduleAssigns: Map<string, Node>, facts: FileFacts): RunCall {
  const { keywords } = callArgs(call);
  const run: RunCall = { scope: ctx.scope, target, mainGuard: ctx.mainGuard, line: lineOf(call) };
  let portNode = keywords.get("port");
  if (portNode?.type === "identifier") portNode = moduleAssigns.get(portNode.text) ?? portNode;
  if (portNode) run.port = portValue(portNode);
  const host = stringValue(keywords.get("host"));
  if (host) run.host = host;
  const debug = keywords.get("debug");
  if (debug?.type === "true") run.debug = true;
  const where = ctx.mainGuard ? `under if __name__ == "__main__" (gunicorn never runs it)` : "on a path gunicorn imports";
  const severity = ctx.mainGuard ? "info" : "error";
  if (run.debug) facts.debug.push({ id: "debug-true", severity: ctx.mainGuard ? "info" : "error", message: `${target}.run(debug=True) ${where}`, line: run.line });
  if (host === "0.0.0.0") facts.debug.push({ id: "dev-server-all-interfaces", severity, message: `${target}.run(host="0.0.0.0") starts Flask's dev server ${where}`, line: run.line });
  else if (!ctx.mainGuard && !ctx.scope) facts.debug.push({ id: "dev-server-at-import", severity: "error", message: `${target}.run() runs the dev server at import time`, line: run.line });
  return run;
}

/** The port in `port=5000`, `port=int(os.environ.get("PORT", 8080))`, `port=os.getenv("PORT", "8080")`. */
function portValue(node: Node): { value?: number; envVar?: string } {
  if (node.type === "integer") return { value: Number(node.text) };
  if (node.type === "call") {
    const fn = dottedName(node.childForFieldName("function"));
    const { positional, keywords } = callArgs(node);
    if (fn === "int" && positional[0]) return portValue(positional[0]);
    if (fn && /(^|\.)(getenv|get)$/.test(fn)) {
      const envVar = stringValue(positional[0] ?? keywords.get("key"));
      const def = literalText(positional[1] ?? keywords.get("default"));
      const value = def !== undefined && /^\d+$/.test(def) ? Number(def) : undefined;
      return { envVar, value };
    }
  }
  const s = stringValue(node);
  if (s && /^\d+$/.test(s)) return { value: Number(s) };
  return {};
}

function stringList(node: Node | null | undefined): string[] | undefined {
  if (!node || (node.type !== "list" && node.type !== "tuple" && node.type !== "set")) return undefined;
  const out: string[] = [];
  for (const c of node.namedChildren) {
    const v = stringValue(c);
    if (v === undefined) return undefined;
    out.push(v.toUpperCase());
  }
  return out;
}
