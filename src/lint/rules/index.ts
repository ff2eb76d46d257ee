/** Every rule: Dockerfile, Flask-aware, build context, compose. Adding a rule = one new file here plus one line in this list. */
import type { Rule } from "../types.ts";
import { unparsableLine } from "./df-000-unparsable.ts";
import { unpinnedBaseImage } from "./df-001-unpinned-base.ts";
import { latestTag } from "./df-002-latest.ts";
import { aptNoInstallRecommends } from "./df-003-no-install-recommends.ts";
import { aptListsKept } from "./df-004-apt-lists.ts";
import { aptUpdateAlone } from "./df-005-apt-update-alone.ts";
import { pipNoCacheDir } from "./df-006-pip-no-cache.ts";
import { pipUnpinned } from "./df-007-pip-unpinned.ts";
import { addForLocalFiles } from "./df-008-add-local.ts";
import { shellFormCommand } from "./df-009-shell-form-cmd.ts";
import { cdInRun } from "./df-010-cd.ts";
import { runsAsRoot } from "./df-011-root-user.ts";
import { missingHealthcheck } from "./df-012-healthcheck.ts";
import { sudoInRun } from "./df-013-sudo.ts";
import { sourceBeforeSystemPackages } from "./df-014-copy-before-system-install.ts";
import { multipleCmd } from "./df-015-multiple-cmd.ts";
import { multipleEntrypoint } from "./df-016-multiple-entrypoint.ts";
import { exposeSsh } from "./df-017-expose-ssh.ts";
import { pipeWithoutPipefail } from "./df-018-pipefail.ts";
import { secretInEnvArg } from "./df-019-secret-names.ts";
import { secretValue } from "./df-020-secret-values.ts";
import { aptWithoutYes } from "./df-021-apt-yes.ts";
import { aptNotAptGet } from "./df-022-apt.ts";
import { aptUpgrade } from "./df-023-apt-upgrade.ts";
import { maintainerDeprecated } from "./df-024-maintainer.ts";
import { relativeWorkdir } from "./df-025-relative-workdir.ts";
import { invalidExposePort } from "./df-026-invalid-port.ts";
import { copyFromUnknownStage } from "./df-027-copy-from-unknown.ts";
import { duplicateStageName } from "./df-028-duplicate-alias.ts";
import { pipeToShell } from "./df-029-curl-pipe-shell.ts";
import { untrustedRegistry } from "./df-030-untrusted-registry.ts";
import { multipleHealthcheck } from "./df-031-multiple-healthcheck.ts";
import { fromFirst } from "./df-032-from-first.ts";
import { relativeCopyWithoutWorkdir } from "./df-033-copy-relative-dest.ts";
import { alpinePython } from "./df-034-alpine-python.ts";
import { worldWritable } from "./df-035-chmod-777.ts";
import { consecutiveRuns } from "./df-036-consecutive-run.ts";
import { flaskDevServer } from "./fl-001-flask-run.ts";
import { scriptDevServer } from "./fl-002-app-run.ts";
import { flaskDebugEnv } from "./fl-003-flask-env.ts";
import { debugReachable } from "./fl-004-debug-reachable.ts";
import { wrongAppTarget } from "./fl-005-wrong-target.ts";
import { exposeMismatch } from "./fl-006-expose-port.ts";
import { serverBoundToLoopback } from "./fl-007-gunicorn-loopback.ts";
import { notListeningOnAllInterfaces } from "./fl-008-default-localhost.ts";
import { requirementsAfterSource } from "./fl-009-requirements-order.ts";
import { importedNotInstalled } from "./fl-010-not-installed.ts";
import { writablePathsWithoutVolume } from "./fl-011-writable-paths.ts";
import { gunicornNotInstalled } from "./fl-012-gunicorn-missing.ts";
import { pythonVersionMismatch } from "./fl-013-python-version.ts";
import { noDockerignore } from "./ctx-001-no-dockerignore.ts";
import { largeContext } from "./ctx-002-context-size.ts";
import { envFilesSent } from "./ctx-003-env-files.ts";
import { keysSent } from "./ctx-004-keys.ts";
import { gitSent } from "./ctx-005-git.ts";
import { venvSent } from "./ctx-006-venv.ts";
import { nodeModulesSent } from "./ctx-007-node-modules.ts";
import { copiedButIgnored } from "./ctx-008-copied-but-ignored.ts";
import { pycacheSent } from "./ctx-009-pycache.ts";
import { composeSecretsInEnvironment } from "./co-001-secrets-env.ts";
import { composePrivileged } from "./co-002-privileged.ts";
import { composeHostNamespaces } from "./co-003-host-network.ts";
import { composeDockerSocket } from "./co-004-docker-socket.ts";
import { composeDependsWithoutHealthcheck } from "./co-005-depends-healthcheck.ts";
import { composeDatabaseWithoutVolume } from "./co-006-db-volume.ts";
import { composePortsAllInterfaces } from "./co-007-ports-all-interfaces.ts";
import { composeUnpinnedImage } from "./co-008-latest.ts";
import { composeDangerousCapabilities } from "./co-009-capabilities.ts";
import { composeSyntax } from "./co-010-syntax.ts";

export const RULES: readonly Rule[] = [
  unparsableLine,
  unpinnedBaseImage,
  latestTag,
  aptNoInstallRecommends,
  aptListsKept,
  aptUpdateAlone,
  pipNoCacheDir,
  pipUnpinned,
  addForLocalFiles,
  shellFormCommand,
  cdInRun,
  runsAsRoot,
  missingHealthcheck,
  sudoInRun,
  sourceBeforeSystemPackages,
  multipleCmd,
  multipleEntrypoint,
  exposeSsh,
  pipeWithoutPipefail,
  secretInEnvArg,
  secretValue,
  aptWithoutYes,
  aptNotAptGet,
  aptUpgrade,
  maintainerDeprecated,
  relativeWorkdir,
  invalidExposePort,
  copyFromUnknownStage,
  duplicateStageName,
  pipeToShell,
  untrustedRegistry,
  multipleHealthcheck,
  fromFirst,
  relativeCopyWithoutWorkdir,
  alpinePython,
  worldWritable,
  consecutiveRuns,
  flaskDevServer,
  scriptDevServer,
  flaskDebugEnv,
  debugReachable,
  wrongAppTarget,
  exposeMismatch,
  serverBoundToLoopback,
  notListeningOnAllInterfaces,
  requirementsAfterSource,
  importedNotInstalled,
  writablePathsWithoutVolume,
  gunicornNotInstalled,
  pythonVersionMismatch,
  noDockerignore,
  largeContext,
  envFilesSent,
  keysSent,
  gitSent,
  venvSent,
  nodeModulesSent,
  copiedButIgnored,
  pycacheSent,
  composeSecretsInEnvironment,
  composePrivileged,
  composeHostNamespaces,
  composeDockerSocket,
  composeDependsWithoutHealthcheck,
  composeDatabaseWithoutVolume,
  composePortsAllInterfaces,
  composeUnpinnedImage,
  composeDangerousCapabilities,
  composeSyntax,
];
