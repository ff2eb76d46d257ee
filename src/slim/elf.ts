/** Just enough ELF reading for the keep-set: the program interpreter and the dynamic section (DT_NEEDED, RUNPATH). Pure. */

export interface ElfDeps {
  interp?: string;
  needed: string[];
  /** DT_RUNPATH or DT_RPATH entries, $ORIGIN not yet expanded. */
  runpath: string[];
}

const PT_INTERP = 3;
const PT_DYNAMIC = 2;
const PT_LOAD = 1;
const DT_NEEDED = 1;
const DT_STRTAB = 5;
const DT_RPATH = 15;
const DT_RUNPATH = 29;

export function isElf(buf: Uint8Array): boolean {
  return buf.length >= 4 && buf[0] === 0x7f && buf[1] === 0x45 && buf[2] === 0x4c && buf[3] === 0x46;
}

/** Returns undefined for files that are not ELF or that are too damaged to read. */
export function readElfDeps(data: Uint8Array): ElfDeps | undefined {
  if (!isElf(data) || data.length < 52) return undefined;
  const is64 = data[4] === 2;
  const le = data[5] === 1;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const u16 = (o: number) => view.getUint16(o, le);
  const u32 = (o: number) => view.getUint32(o, le);
  const word = (o: number) => (is64 ? Number(view.getBigUint64(o, le)) : u32(o));
  try {
    const phoff = word(is64 ? 0x20 : 0x1c);
    const phentsize = u16(is64 ? 0x36 : 0x2a);
    const phnum = u16(is64 ? 0x38 : 0x2c);
    const loads: { vaddr: number; offset: number; filesz: number }[] = [];
    let interp: string | undefined;
    let dyn: { offset: number; size: number } | undefined;
    for (let i = 0; i < phnum; i++) {
      const p = phoff + i * phentsize;
      const type = u32(p);
      const offset = is64 ? word(p + 8) : u32(p + 4);
      const vaddr = is64 ? word(p + 16) : u32(p + 8);
      const filesz = is64 ? word(p + 32) : u32(p + 16);
      if (type === PT_LOAD) loads.push({ vaddr, offset, filesz });
      if (type === PT_INTERP) interp = cString(data, offset);
      if (type === PT_DYNAMIC) dyn = { offset, size: filesz };
    }
    if (!dyn) return { interp, needed: [], runpath: [] };
    const entSize = is64 ? 16 : 8;
    const entries: [number, number][] = [];
    for (let o = dyn.offset; o + entSize <= dyn.offset + dyn.size; o += entSize) {
      const tag = is64 ? Number(view.getBigInt64(o, le)) : view.getInt32(o, le);
      const val = word(o + (is64 ? 8 : 4));
      if (tag === 0) break;
      entries.push([tag, val]);
    }
    const strtabAddr = entries.find(([t]) => t === DT_STRTAB)?.[1];
    if (strtabAddr === undefined) return { interp, needed: [], runpath: [] };
    const seg = loads.find((l) => strtabAddr >= l.vaddr && strtabAddr < l.vaddr + l.filesz);
    const strtab = seg ? strtabAddr - seg.vaddr + seg.offset : strtabAddr;
    const needed: string[] = [];
    const runpath: string[] = [];
    for (const [tag, val] of entries) {
      if (tag === DT_NEEDED) needed.push(cString(data, strtab + val));
      if (tag === DT_RUNPATH || tag === DT_RPATH) runpath.push(...cString(data, strtab + val).split(":").filter(Boolean));
    }
    return { interp, needed, runpath };
  } catch {
    return undefined;
  }
}

function cString(data: Uint8Array, offset: number): string {
  let end = offset;
  while (end < data.length && data[end] !== 0) end++;
  return Buffer.from(data.buffer, data.byteOffset + offset, end - offset).toString("utf8");
}
