#!/usr/bin/env bash
# Runs the whole suite with node's test runner. With flaskpack's own engine, the runner runs inside its network
# namespace so tests reach published ports on 127.0.0.1; downloads go back to the host namespace.
set -euo pipefail
cd "$(dirname "$0")/.."
files=("$@")
if [ ${#files[@]} -eq 0 ]; then
  mapfile -t files < <(find test -name '*.test.ts' -not -path '*/node_modules/*' | sort)
fi
node scripts/bundle.mjs > /dev/null # the CLI the tests spawn, bundled once for the current sources
cmd=(node --import tsx --test --test-concurrency="${TEST_CONCURRENCY:-2}" --test-timeout=900000 "${files[@]}")
if [ -z "${DOCKER_HOST:-}" ] && [ -S /run/flaskpack/docker.sock ] && [ -e /run/netns/flaskpack ] && [ "$(id -u)" = 0 ]; then
  export DOCKER_HOST=unix:///run/flaskpack/docker.sock FLASKPACK_HOST_NETNS=/proc/$$/ns/net
  exec_in=(nsenter --net=/run/netns/flaskpack --)
else
  exec_in=()
fi
"${exec_in[@]}" "${cmd[@]}"
