/** Pure: what differs between two images' merged trees (the view used to show original vs slim). */
import type { DiffEntry, ImageDiff, ImageFile, ImageModel } from "./model.ts";

export function diffImages(a: ImageModel, b: ImageModel): ImageDiff {
  const inB = new Map(b.files.map((f) => [f.path, f]));
  const inA = new Map(a.files.map((f) => [f.path, f]));
  const entry = (f: ImageFile): DiffEntry => ({ path: f.path, type: f.type, size: f.size });
  const onlyInA = a.files.filter((f) => !inB.has(f.path)).map(entry);
  const onlyInB = b.files.filter((f) => !inA.has(f.path)).map(entry);
  const changed: ImageDiff["changed"] = [];
  for (const fa of a.files) {
    const fb = inB.get(fa.path);
    if (!fb) continue;
    const why: string[] = [];
    if (fa.type !== fb.type) why.push(`type ${fa.type} → ${fb.type}`);
    if (fa.size !== fb.size) why.push(`size ${fa.size} → ${fb.size}`);
    if (fa.mode !== fb.mode) why.push(`mode ${fa.mode.toString(8)} → ${fb.mode.toString(8)}`);
    if (fa.uid !== fb.uid || fa.gid !== fb.gid) why.push(`owner ${fa.uid}:${fa.gid} → ${fb.uid}:${fb.gid}`);
    if ((fa.linkname ?? "") !== (fb.linkname ?? "")) why.push(`link ${fa.linkname ?? ""} → ${fb.linkname ?? ""}`);
    if (why.length) changed.push({ path: fa.path, type: fb.type, size: fb.size, sizeA: fa.size, sizeB: fb.size, why });
  }
  const sum = (xs: DiffEntry[]) => xs.reduce((n, x) => n + x.size, 0);
  return {
    a: { source: a.source, id: a.id, totalSizeBytes: a.totalSizeBytes, files: a.files.length },
    b: { source: b.source, id: b.id, totalSizeBytes: b.totalSizeBytes, files: b.files.length },
    onlyInA,
    onlyInB,
    changed,
    sizeDeltaBytes: b.totalSizeBytes - a.totalSizeBytes,
    bytesOnlyInA: sum(onlyInA),
    bytesOnlyInB: sum(onlyInB),
  };
}
