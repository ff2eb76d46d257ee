import type { AppModel } from "../../../src/analyze/model.ts";
import { appModel } from "../../helpers/app-model.ts";

/** Hand-made AppModels shaped like analyze's output for the examples, so the generator is tested on its own. */
export function helloModel(over: Partial<AppModel> = {}): AppModel {
  return appModel("/src/hello", {
    routes: [
      { rule: "/", methods: ["GET"], endpoint: "index", converters: [], confidence: "static" },
      { rule: "/health", methods: ["GET"], endpoint: "health", converters: [], confidence: "static" },
    ],
    port: { value: 5000, from: "default" },
    dependencies: [
      { name: "flask", normalized: "flask", specifier: "", extras: [], from: "requirements.txt:1" },
      { name: "gunicorn", normalized: "gunicorn", specifier: "", extras: [], from: "requirements.txt:2" },
    ],
    localModules: ["app"],
    ...over,
  });
}

export function factoryModel(): AppModel {
  return helloModel({
    root: "/src/factory",
    entry: { target: "blog:create_app()", module: "blog", object: "create_app", kind: "factory", factoryArgs: "", reason: "factory function", score: 9 },
    routes: [
      { rule: "/", methods: ["GET"], endpoint: "pages.index", converters: [], confidence: "static" },
      { rule: "/post/<int:id>", methods: ["GET"], endpoint: "posts.show", converters: [{ name: "id", type: "int" }], confidence: "static" },
      { rule: "/health", methods: ["GET"], endpoint: "health", converters: [], confidence: "static" },
    ],
    port: { value: 8000, from: ".flaskenv FLASK_RUN_PORT" },
    dependencies: [
      { name: "flask", normalized: "flask", specifier: ">=2.2", extras: [], from: "requirements.txt:1" },
      { name: "gunicorn", normalized: "gunicorn", specifier: "", extras: [], from: "requirements.txt:2" },
    ],
    localModules: ["blog"],
    env: [
      { name: "SECRET_KEY", default: "dev-only-change-me", required: false, how: "os.environ.get", secret: true, source: { file: "blog/__init__.py", line: 9 } },
      { name: "BLOG_TITLE", default: "flaskpack blog", required: false, how: "os.environ.get", secret: false },
    ],
    assets: { templates: ["blog/templates/index.html"], static: ["blog/static/style.css"], writablePaths: ["instance/"], instanceFolder: "instance" },
  });
}
