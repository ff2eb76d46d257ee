#!/usr/bin/env bash
# Makes sure flaskpack has what it needs on this machine: a reachable Docker engine (ours, started inside
# a network namespace we own, when none is running), mmdebstrap and strace. Idempotent and quiet when all
# is up. Never touches an engine it did not start.
set -euo pipefail

NS=flaskpack
STATE=/run/flaskpack
SOCK=$STATE/docker.sock
DATA=${FLASKPACK_DATA_ROOT:-/var/lib/flaskpack/docker}
PIDFILE=$STATE/dockerd.pid
LOG=/var/log/flaskpack-dockerd.log
NEED_PKGS=(docker.io mmdebstrap strace iptables iproute2 docker-compose docker-registry apache2-utils chromium wrk)
NEED_CMDS=(dockerd mmdebstrap strace iptables ip docker-compose docker-registry htpasswd chromium wrk)

say() { echo "flaskpack setup: $*" >&2; }
die() { echo "flaskpack setup: $*" >&2; exit 1; }

engine_up() { # socket answers /_ping
  [ -S "$1" ] && curl -sf --max-time 2 --unix-socket "$1" http://localhost/_ping >/dev/null 2>&1
}

# 1. Tools.
missing=()
for i in "${!NEED_CMDS[@]}"; do
  command -v "${NEED_CMDS[$i]}" >/dev/null 2>&1 || missing+=("${NEED_PKGS[$i]}")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    die "missing ${missing[*]}; run this script as root, or install them yourself (Debian/Ubuntu: apt-get install ${missing[*]})."
  fi
  command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and this is not a Debian-like system (no apt-get): install Docker, mmdebstrap and strace with your package manager."
  say "installing ${missing[*]} (Debian packages, once)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null || die "apt-get update failed; check the Debian mirror in /etc/apt/sources.list"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/flaskpack-apt.log 2>&1 \
    || die "apt-get install ${missing[*]} failed; see /tmp/flaskpack-apt.log"
fi

# 2. An engine the user already runs is used as it is, unless FLASKPACK_OWN_ENGINE=1 asks for ours.
if [ "${FLASKPACK_OWN_ENGINE:-}" != 1 ]; then
  if [ -n "${DOCKER_HOST:-}" ]; then exit 0; fi
  if engine_up /var/run/docker.sock; then exit 0; fi
fi

# 3. Our own engine, inside our own network namespace.
if engine_up "$SOCK"; then exit 0; fi
[ "$(id -u)" = 0 ] || die "no Docker engine is running and starting one needs root; start Docker, or set DOCKER_HOST."

mkdir -p "$STATE" "$DATA" "$(dirname "$LOG")"
# Leftovers from an earlier run whose dockerd is gone (or a zombie, or a reused pid that is not dockerd).
ours_alive() {
  local pid; pid=$(cat "$PIDFILE" 2>/dev/null) || return 1
  [ -n "$pid" ] && [ "$(cat /proc/"$pid"/comm 2>/dev/null)" = dockerd ] && ! grep -q '^State:.*Z' /proc/"$pid"/status 2>/dev/null
}
if [ -f "$PIDFILE" ] && ! ours_alive; then rm -f "$PIDFILE"; fi
if [ -f "$PIDFILE" ]; then
  # Ours, still starting (or hung): give it time before deciding.
  for _ in $(seq 1 60); do engine_up "$SOCK" && exit 0; sleep 0.5; done
  die "flaskpack's dockerd (pid $(cat "$PIDFILE")) runs but does not answer on $SOCK; see $LOG"
fi
rm -f "$SOCK" "$STATE/containerd.sock"
pkill -f "containerd --config $STATE/" 2>/dev/null || true

if ! ip netns list | grep -qw "^$NS"; then
  ip netns add "$NS" 2>/dev/null || { ip netns delete "$NS" 2>/dev/null; ip netns add "$NS"; }
fi
ip netns exec "$NS" ip link set lo up

# cgroup v2 needs the controllers dockerd uses delegated; mount cgroup fs if the machine has none.
if ! mountpoint -q /sys/fs/cgroup; then mount -t cgroup2 none /sys/fs/cgroup 2>/dev/null || true; fi

# nsenter (not `ip netns exec`, which remounts /sys and breaks dockerd's cgroup detection).
nohup nsenter --net=/run/netns/$NS dockerd \
  --host "unix://$SOCK" --data-root "$DATA" --exec-root "$STATE/exec" --pidfile "$PIDFILE" \
  --containerd-namespace flaskpack --containerd-plugins-namespace flaskpack-plugins \
  --default-address-pool base=10.213.0.0/16,size=24 --bip 10.212.0.1/24 \
  >"$LOG" 2>&1 &
for _ in $(seq 1 120); do
  engine_up "$SOCK" && { say "started flaskpack's Docker engine on $SOCK (network namespace $NS)"; exit 0; }
  sleep 0.5
done
tail -20 "$LOG" >&2
die "dockerd did not come up within 60 s; see $LOG"
