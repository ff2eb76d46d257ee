/** An image path without "." and ".." segments or a leading "/" ("/usr/lib/../bin/x" → "usr/bin/x"). */
export function normalizePath(p: string): string {
  const parts: string[] = [];
  for (const seg of p.split("/")) {
    if (!seg || seg === ".") continue;
    if (seg === "..") parts.pop();
    else parts.push(seg);
  }
  return parts.join("/");
}
