import type { AppModel } from "../../src/analyze/model.ts";

/** A minimal AppModel (one `app = Flask(__name__)` in app.py, nothing else found) with the given fields replaced. */
export function appModel(root: string, over: Partial<AppModel> = {}): AppModel {
  return {
    schemaVersion: 1,
    root,
    entry: { target: "app:app", module: "app", object: "app", kind: "object", reason: "Flask() assignment", score: 10 },
    alternatives: [],
    routes: [],
    port: { value: 8080, from: "PORT default" },
    python: {},
    dependencies: [],
    undeclaredImports: [],
    unusedDependencies: [],
    localModules: [],
    server: { declared: ["gunicorn"], chosen: "gunicorn" },
    env: [],
    secrets: [],
    assets: { templates: [], static: [], writablePaths: [] },
    services: [],
    debugRisks: [],
    problems: [],
    filesScanned: 1,
    seconds: 0,
    ...over,
  };
}
