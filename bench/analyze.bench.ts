/** analyze on a generated 2,000-file Flask project: 1,400 Python modules (blueprints, models, utils), templates, static files. */
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BenchResult } from "./run.ts";
import { analyze } from "../src/analyze/index.ts";
import { pythonParser } from "../src/analyze/parse.ts";

function generate(dir: string): { python: number; total: number } {
  let python = 0;
  let total = 0;
  const w = (rel: string, text: string) => {
    mkdirSync(join(dir, rel, ".."), { recursive: true });
    writeFileSync(join(dir, rel), text);
    total++;
    if (rel.endsWith(".py")) python++;
  };
  w("requirements.txt", "flask>=3\ngunicorn\nrequests\n");
  w("big/__init__.py", "");
  const regs: string[] = [];
  for (let b = 0; b < 100; b++) {
    w(`big/mod${b}/__init__.py`, `from flask import Blueprint\n\nbp = Blueprint("mod${b}", __name__, url_prefix="/m${b}")\n\nfrom . import views  # noqa\n`);
    w(`big/mod${b}/views.py`, `import os\nfrom flask import jsonify, request\nfrom . import bp\nfrom .models import Item\n\nLIMIT = int(os.environ.get("MOD${b}_LIMIT", "50"))\n\n@bp.route("/")\ndef index():\n    return jsonify([i.to_dict() for i in Item.all()][:LIMIT])\n\n@bp.route("/<int:item_id>", methods=["GET", "PUT"])\ndef item(item_id):\n    data = request.get_json(silent=True) or {}\n    return jsonify(id=item_id, **data)\n`);
    for (let m = 0; m < 12; m++)
      w(`big/mod${b}/${m === 0 ? "models" : `util${m}`}.py`, `"""Module ${m} of blueprint ${b}."""\nimport json\nimport logging\nfrom dataclasses import dataclass, field\n\nlog = logging.getLogger(__name__)\n\n\n@dataclass\nclass Item:\n    id: int\n    name: str = ""\n    tags: list = field(default_factory=list)\n\n    def to_dict(self):\n        return {"id": self.id, "name": self.name, "tags": self.tags}\n\n    @classmethod\n    def all(cls):\n        return [cls(i, f"item {i}") for i in range(10)]\n\n\ndef helper_${m}(value, *, scale=2):\n    if value is None:\n        raise ValueError("value is required")\n    result = json.loads(json.dumps({"v": value}))\n    log.debug("helper %s", result)\n    return result["v"] * scale\n`);
    w(`big/templates/mod${b}/index.html`, `{% extends "base.html" %}{% block content %}<h1>mod ${b}</h1>{% endblock %}\n`);
    w(`big/templates/mod${b}/item.html`, `{% extends "base.html" %}{% block content %}{{ item.name }}{% endblock %}\n`);
    w(`big/static/mod${b}/style.css`, `.m${b} { color: #${(b * 4).toString(16).padStart(3, "0")}; }\n`);
    w(`big/static/mod${b}/app.js`, `console.log("mod ${b}");\n`);
    regs.push(`    from .mod${b} import bp as bp${b}\n    app.register_blueprint(bp${b})\n`);
  }
  w("big/app_factory.py", `import os\nfrom flask import Flask\n\n\ndef create_app():\n    app = Flask("big", template_folder="templates")\n    app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]\n${regs.join("")}    return app\n`);
  let n = 0;
  while (total < 2000) w(`big/static/img/icon${n++}.svg`, `<svg xmlns="http://www.w3.org/2000/svg"><circle r="${n}"/></svg>\n`);
  return { python, total };
}

export default async function (): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), "fp-bench-analyze-"));
  try {
    const { python, total } = generate(dir);
    const t0 = performance.now();
    await pythonParser();
    const initSeconds = (performance.now() - t0) / 1000;
    const rows: BenchResult["rows"] = [];
    for (let run = 1; run <= 3; run++) {
      const started = performance.now();
      const m = await analyze(dir);
      const seconds = (performance.now() - started) / 1000;
      rows.push({ run, files: m.filesScanned, pythonFiles: python, routes: m.routes.length, entry: m.entry?.target ?? "", seconds: Number(seconds.toFixed(3)), under2s: seconds < 2 });
    }
    return {
      name: "analyze",
      description: `flaskpack analyze on a generated ${total}-file Flask project (${python} Python modules in 100 blueprints, templates, static files), three runs in one process; wall time of analyze() including reading and parsing every file with tree-sitter. Target: under 2 s.`,
      rows,
      notes: [`tree-sitter wasm runtime and Python grammar load once per process: ${initSeconds.toFixed(3)} s (not in the rows)`, "the machine's 2 cores are shared with other work while this runs"],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
