/** flaskpack's library API: every CLI command is a function here with the same name. */
export { FlaskpackError, EXIT } from "./errors.ts";
export { connectEngine } from "./engine/connect.ts";
export { doctor } from "./engine/doctor.ts";
export { buildBase, baseTag, mapRequirements, debianPackageFor } from "./base/index.ts";
export { readImage, readImageFiles, extractImage, diffImages } from "./image/index.ts";
export type { ImageModel, ImageFile, ImageLayer, ImageConfig, ImageDiff, ExtractResult } from "./image/index.ts";
export { xray, xrayDiff } from "./xray/index.ts";
export type { XrayReport, Finding } from "./xray/index.ts";
export { ship, outDirFor, STAGES } from "./ship/index.ts";
export type { ShipOptions, ShipResult, Stage } from "./ship/index.ts";
export { renderHtml, renderTerminal, writeReport, reportSchema } from "./report/index.ts";
export type { ShipReport, ImageFacts, RouteCheck, StageRecord } from "./report/index.ts";
export { analyze, parseRequirements } from "./analyze/index.ts";
export type { AppModel } from "./analyze/model.ts";
export { lint, lintDockerfileText, lintComposeText, applyFixes, toSarif, toCheckstyle, RULES as lintRules, type LintReport, type LintFinding } from "./lint/index.ts";
