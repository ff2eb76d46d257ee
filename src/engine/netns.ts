/**
 * When flaskpack runs inside its own network namespace (see bin/flaskpack.js), commands that need the
 * outside network (mmdebstrap fetching Debian packages, `db update`) run in the namespace we came from.
 */
export function inHostNetwork(command: string, args: string[]): [string, string[]] {
  const hostNs = process.env.FLASKPACK_HOST_NETNS;
  if (!hostNs) return [command, args];
  return ["nsenter", [`--net=${hostNs}`, "--", command, ...args]];
}
