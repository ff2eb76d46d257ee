/** Debian control-file syntax (dpkg status, DEP-5 copyright): paragraphs of "Field: value" with folded lines. */
export type Paragraph = Map<string, string>;

export function parseDeb822(text: string): Paragraph[] {
  const out: Paragraph[] = [];
  let current: Paragraph = new Map();
  let last = "";
  for (const line of text.split("\n")) {
    if (line.trim() === "") {
      if (current.size) out.push(current);
      current = new Map();
      last = "";
      continue;
    }
    if (line.startsWith("#")) continue;
    if ((line.startsWith(" ") || line.startsWith("\t")) && last) {
      current.set(last, current.get(last) + "\n" + line.slice(1));
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim().toLowerCase();
    current.set(last, line.slice(colon + 1).trim());
  }
  if (current.size) out.push(current);
  return out;
}

/** Email-style headers (Python METADATA / PKG-INFO): repeated fields collected, the body after a blank line ignored. */
export function parseRfc822Headers(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let last = "";
  for (const line of text.split(/\r?\n/)) {
    if (line === "") break;
    if ((line.startsWith(" ") || line.startsWith("\t")) && last) {
      const values = out.get(last)!;
      values[values.length - 1] += "\n" + line.trim();
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim().toLowerCase();
    const values = out.get(last) ?? [];
    values.push(line.slice(colon + 1).trim());
    out.set(last, values);
  }
  return out;
}
