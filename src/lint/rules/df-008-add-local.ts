import type { Rule } from "../types.ts";
import { at, copySources } from "./util.ts";
import { replaceKeywordEdit } from "../fix.ts";

const ARCHIVE = /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst)$/i;

export const addForLocalFiles: Rule = {
  id: "FP-DF-008",
  scope: "dockerfile",
  severity: "error",
  title: "ADD used for local files",
  rationale: "ADD also downloads URLs and unpacks archives; for plain files COPY says exactly what happens.",
  fix: "Use COPY for files and folders; keep ADD only to unpack a local tar archive.",
  hadolint: "DL3020",
  fixable: true,
  examples: {
    bad: { dockerfile: "FROM python:3.11-slim\nWORKDIR /app\nADD app.py /app/\n" },
    good: { dockerfile: "FROM python:3.11-slim\nWORKDIR /app\nCOPY app.py /app/\n" },
  },
  check: ({ df }) =>
    df.instructions
      .filter((i) => i.keyword === "ADD")
      .filter((i) => {
        const src = copySources(i);
        return src.length > 0 && !src.some((s) => /^[a-z]+:\/\//i.test(s) || s.startsWith("git@") || ARCHIVE.test(s)) && !i.args.startsWith("<<");
      })
      .map((i) => at(i, "ADD copies local files here: COPY is the plain way", { edit: replaceKeywordEdit(df, i, "COPY") })),
};
