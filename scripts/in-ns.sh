#!/usr/bin/env bash
# Runs a command where flaskpack's engine and its published ports are reachable: inside flaskpack's network
# namespace when flaskpack runs its own engine, else as it is. Example: scripts/in-ns.sh curl 127.0.0.1:8080/
set -euo pipefail
bash "$(dirname "$0")/bootstrap.sh"
if [ -z "${DOCKER_HOST:-}" ] && [ -S /run/flaskpack/docker.sock ] && [ -e /run/netns/flaskpack ] && [ "$(id -u)" = 0 ] && ! curl -sf --max-time 1 --unix-socket /var/run/docker.sock http://localhost/_ping >/dev/null 2>&1; then
  export DOCKER_HOST=unix:///run/flaskpack/docker.sock FLASKPACK_HOST_NETNS=/proc/$$/ns/net
  nsenter --net=/run/netns/flaskpack -- "$@"
else
  "$@"
fi
