/**
 * xray of a ≥ 500 MB docker-archive (the Debian flask base + a layer of random files, assembled with tar, not
 * committed) against `tar tf` of the same file. Wall time and peak RSS from /usr/bin/time -v.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync, statSync } from "node:fs";
import { createHash, randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BenchResult } from "./run.ts";
import { testBase } from "../test/helpers/engine.ts";

function sh(cmd: string, cwd?: string): string {
  const r = spawnSync("bash", ["-c", cmd], { cwd, encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${cmd}: ${r.stderr}`);
  return r.stdout;
}

function timed(cmd: string): { seconds: number; rssMB: number } {
  const r = spawnSync("bash", ["-c", `/usr/bin/time -v bash -c ${JSON.stringify(cmd)} > /dev/null`], { encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${cmd}: ${r.stderr}`);
  const wall = /Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)/.exec(r.stderr)!;
  const seconds = Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]);
  const rss = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)![1]) / 1024;
  return { seconds, rssMB: rss };
}

/** Writes `work/big.tar`: the flask base image plus a ~420 MB layer of random files; returns its path. */
export async function makeBigTarball(work: string): Promise<string> {
    const base = await testBase("flask");
    const x = join(work, "x");
    mkdirSync(x);
    sh(`docker save ${base.tag} | tar -x -C ${x}`);
    // 4,000 random files from 1 kB to ~300 kB: the size of a big application layer
    const r = join(work, "r");
    for (let d = 0; d < 40; d++) {
      mkdirSync(join(r, `pkg${d}`), { recursive: true });
      for (let i = 0; i < 100; i++) writeFileSync(join(r, `pkg${d}`, `f${i}.bin`), randomBytes(1000 + ((d * 100 + i) * 7919) % 200_000));
    }
    let bytes = Number(sh(`du -sb ${r}`).split("\t")[0]);
    for (let i = 0; bytes < 420_000_000; i++) {
      writeFileSync(join(r, `large${i}.bin`), randomBytes(50_000_000));
      bytes += 50_000_000;
    }
    const layerDir = join(x, "randomlayer");
    mkdirSync(layerDir);
    sh(`tar -cf ${join(layerDir, "layer.tar")} -C ${r} .`);
    const diffId = "sha256:" + sh(`sha256sum ${join(layerDir, "layer.tar")}`).split(" ")[0];
    const manifest = JSON.parse(readFileSync(join(x, "manifest.json"), "utf8"));
    const config = JSON.parse(readFileSync(join(x, manifest[0].Config), "utf8"));
    config.rootfs.diff_ids.push(diffId);
    config.history = [...(config.history ?? []), { created_by: "COPY random files" }];
    const configBytes = Buffer.from(JSON.stringify(config));
    const id = createHash("sha256").update(configBytes).digest("hex");
    rmSync(join(x, manifest[0].Config));
    writeFileSync(join(x, `${id}.json`), configBytes);
    manifest[0].Config = `${id}.json`;
    manifest[0].Layers.push("randomlayer/layer.tar");
    manifest[0].RepoTags = ["fp-xray-bench:1"];
    writeFileSync(join(x, "manifest.json"), JSON.stringify(manifest));
    rmSync(r, { recursive: true });
    const big = join(work, "big.tar");
    sh(`tar -cf ${big} -C ${x} .`);
    rmSync(x, { recursive: true });
    return big;
}

export default async function (): Promise<BenchResult> {
  const work = mkdtempSync(join(tmpdir(), "fp-xray-bench-"));
  try {
    const big = await makeBigTarball(work);
    const size = statSync(big).size;
    sh(`cat ${big} > /dev/null`); // warm the page cache for everyone

    const layers = sh(`tar -xOf ${big} ./manifest.json`);
    const layerNames = (JSON.parse(layers)[0].Layers as string[]).map((l) => l.replace(/^\.\//, ""));
    const rows: BenchResult["rows"] = [];
    const runs: Record<string, { seconds: number; rssMB: number }[]> = { xray: [], tar: [], tarStream: [], tarAll: [] };
    for (let i = 0; i < 5; i++) {
      runs.xray.push(timed(`node ${join(process.cwd(), "bin/flaskpack.js")} xray ${big} --json`));
      runs.tar.push(timed(`tar tf ${big}`));
      runs.tarStream.push(timed(`tar tf - < ${big}`));
      runs.tarAll.push(timed(layerNames.map((l) => `tar -xOf ${big} ./${l} | tar tf -`).join("; ")));
    }
    const best = (k: string) => runs[k].reduce((a, b) => (a.seconds <= b.seconds ? a : b));
    const median = (k: string) => [...runs[k]].sort((a, b) => a.seconds - b.seconds)[Math.floor(runs[k].length / 2)].seconds;
    const t2 = best("tarAll");
    const row = (tool: string, k: string) => {
      const r = best(k);
      return { tool, seconds: r.seconds, medianSeconds: median(k), peakRssMB: Math.round(r.rssMB), ratioVsTarAll: Number((r.seconds / t2.seconds).toFixed(2)) };
    };
    rows.push(row("flaskpack xray --json (full report: layers, tree, findings, secret scan)", "xray"));
    rows.push(row("tar -xOf image.tar LAYER | tar tf -, each layer (every file of every layer listed)", "tarAll"));
    rows.push(row("tar tf - < image.tar (reads every byte, lists only the outer members)", "tarStream"));
    rows.push(row("tar tf image.tar (lists only the outer members; GNU tar seeks past the layer blobs)", "tar"));
    return {
      name: "xray",
      description:
        "Time and peak RSS (best of 5 with the median, /usr/bin/time -v) to xray a docker-archive of the Debian flask base plus a layer of random files, against tar listing the same file. `tar tf` of the outer file only lists its few members (it seeks over the layer blobs); listing every file of every layer with tar is the like-for-like comparison. xray reads only tar headers of uncompressed layers (seeking over bodies) and the content of small non-distribution files for the secret scan. xray's time includes node's start and the CLI's (bundled) module load.",
      rows,
      notes: [`image tarball: ${(size / 1e6).toFixed(0)} MB, ${layerNames.length} layers`, `node ${process.version}`],
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
