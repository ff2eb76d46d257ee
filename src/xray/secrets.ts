/** Pure: secret patterns, and which files are worth reading to look for them. */

export interface SecretPattern {
  id: string;
  what: string;
  re: RegExp;
}

export const SECRET_PATTERNS: SecretPattern[] = [
  { id: "private-key", what: "private key", re: /-----BEGIN (?:RSA |DSA |EC |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----/ },
  { id: "aws-access-key-id", what: "AWS access key id", re: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { id: "aws-secret-access-key", what: "AWS secret access key", re: /aws_?secret_?access_?key["']?\s*[:=]\s*["']?[A-Za-z0-9/+=]{40}\b/i },
  { id: "github-token", what: "GitHub token", re: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/ },
  { id: "slack-token", what: "Slack token", re: /\bxox[abposr]-[A-Za-z0-9-]{10,250}\b/ },
  { id: "slack-webhook", what: "Slack webhook URL", re: /https:\/\/hooks\.slack\.com\/services\/T[A-Za-z0-9_]{6,}\/B[A-Za-z0-9_]{6,}\/[A-Za-z0-9_]{16,}/ },
];

/** Names that point at a secret whatever their content. */
export function secretName(path: string): string | undefined {
  const base = path.slice(path.lastIndexOf("/") + 1);
  if (/^id_(rsa|dsa|ecdsa|ed25519)(_sk)?$/.test(base)) return "SSH private key file";
  if (base === ".env" || (/^\.env\.[^/]+$/.test(base) && !/\.(example|sample|template|dist)$/.test(base))) return "dotenv file";
  if (/^\.(netrc|pgpass|git-credentials|pypirc)$/.test(base)) return "credentials file";
  if (path.endsWith(".aws/credentials") || path.endsWith(".docker/config.json")) return "credentials file";
  return undefined;
}

/** Trees that hold distribution files: large, many, and not where people leave secrets. */
const SYSTEM = /^(usr\/(share|lib|lib64|libexec|include|bin|sbin)|lib|lib64|bin|sbin|var\/lib\/(dpkg|apt)|var\/cache|etc\/ssl\/certs)\//;

/** Whether a file's content is worth scanning for secrets (decided from the header alone). */
export function worthScanning(path: string, size: number): boolean {
  if (size === 0 || size > 512 * 1024) return false;
  if (secretName(path) || /\.(pem|key|p8|env)$/.test(path)) return true;
  return !SYSTEM.test(path);
}

export interface SecretHit {
  pattern: string;
  what: string;
  /** The match with its middle hidden, so reports never leak the secret. */
  sample: string;
  line: number;
}

export function redact(s: string): string {
  if (s.length <= 8) return "*".repeat(s.length);
  return `${s.slice(0, 4)}${"*".repeat(Math.min(16, s.length - 6))}${s.slice(-2)}`;
}

export function findSecrets(content: Buffer): SecretHit[] {
  const head = content.subarray(0, 8192);
  if (head.includes(0)) return [];
  const text = content.toString("utf8");
  const hits: SecretHit[] = [];
  for (const p of SECRET_PATTERNS) {
    const m = p.re.exec(text);
    if (!m) continue;
    const line = text.slice(0, m.index).split("\n").length;
    hits.push({ pattern: p.id, what: p.what, sample: p.id === "private-key" ? m[0] : redact(m[0]), line });
  }
  return hits;
}

const SECRET_ENV_NAME = /(SECRET|TOKEN|PASSWORD|PASSWD|PASSPHRASE|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL|AUTH)/i;

/** An ENV entry ("NAME=value") that looks like it carries a secret, and why. */
export function secretEnv(entry: string): string | undefined {
  const eq = entry.indexOf("=");
  const name = eq < 0 ? entry : entry.slice(0, eq);
  const value = eq < 0 ? "" : entry.slice(eq + 1);
  const hit = findSecrets(Buffer.from(value))[0];
  if (hit) return `value looks like a ${hit.what}`;
  if (SECRET_ENV_NAME.test(name) && value !== "" && !/^\$\{?\w+\}?$/.test(value)) return "name suggests a secret and it has a value";
  return undefined;
}
