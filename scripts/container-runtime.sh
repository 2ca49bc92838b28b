#!/usr/bin/env bash
# Provide a container runtime the Testcontainers-based integration tests can use.
#
#   eval "$(scripts/container-runtime.sh)"   # then: ./mvnw verify
#
# * In every case: Debian's prometheus (for promtool) and prometheus-alertmanager, which
#   the rule tests and the operations-kit integration test run as local programs.
# * A working Docker engine (`docker info` succeeds): nothing else is set up, only the
#   Prometheus image to use is printed (pulled from Docker Hub by Testcontainers).
# * Otherwise (e.g. a fresh Debian 12 CI machine, run as root, without Docker Hub
#   access): install Debian's podman/runc/prometheus, build a tiny local image from
#   Debian's prometheus binary and serve podman's Docker-compatible API on a socket.
#
# stdout carries only `export` lines for eval; all diagnostics go to stderr. Any
# failure exits non-zero, so a CI job fails instead of silently skipping tests.
# Safe to rerun: every step is skipped when its result is already in place.
set -euo pipefail

SOCK_DIR=/run/job-metrics
SOCK="$SOCK_DIR/podman.sock"
DOCKER_IMAGE="${JOB_METRICS_DOCKER_IMAGE:-prom/prometheus:v3.5.0}"
LOCAL_IMAGE=localhost/job-metrics-prometheus:local

log() { echo "container-runtime: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }
ping_sock() { curl -fsS --max-time 3 --unix-socket "$SOCK" http://d/_ping 2>/dev/null | grep -q OK; }
install_missing() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  ((${#missing[@]})) || return 0
  [[ $EUID -eq 0 ]] || die "install ${missing[*]} (Debian packages the tests need), or run this script as root"
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}"; } >&2 \
    || die "apt-get install ${missing[*]} failed"
}

# 0. promtool (package prometheus) and Alertmanager run on the host whatever the container runtime.
install_missing prometheus prometheus-alertmanager

# 1. A real Docker engine wins. (A DOCKER_HOST left over from an earlier eval of
#    this script points at our podman socket; that is not a "real" engine.)
if [[ "${DOCKER_HOST:-}" != "unix://$SOCK" ]] && command -v docker >/dev/null \
   && timeout 30 docker info >/dev/null 2>&1; then
  log "Docker engine found; using it"
  echo "export JOB_METRICS_PROMETHEUS_IMAGE=$DOCKER_IMAGE"
  exit 0
fi

[[ $EUID -eq 0 ]] || die "no working Docker engine, and the podman fallback needs root"

# 2. Packages for podman. The prometheus package (installed above) is also the source
#    of the binary baked into the local image (its own service, if systemd starts it,
#    listens on :9090).
install_missing podman runc prometheus

# 3. Podman settings (a drop-in, so an existing containers.conf is left alone):
#    - runc: crun fails in restricted sandboxes (and may not even be installed);
#    - cgroupfs: there may be no systemd to delegate cgroups to;
#    - no default ulimits: with an empty list podman sets no rlimits at all; otherwise
#      it also raises RLIMIT_NOFILE to 1048576, above the hard limit a sandbox may
#      impose, and runc fails with "error setting rlimit type 7".
#    Storage keeps podman's default (overlay, native on ext4/xfs).
CONF=/etc/containers/containers.conf.d/50-job-metrics.conf
WANT_CONF='[containers]
default_ulimits = []

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"'
if [[ "$(cat "$CONF" 2>/dev/null)" != "$WANT_CONF" ]]; then
  log "writing $CONF"
  mkdir -p "$(dirname "$CONF")"
  printf '%s\n' "$WANT_CONF" >"$CONF"
  RESTART_SERVICE=1   # a running API service would still use the old settings
fi

# 4. Local image: Debian's prometheus binary plus the libraries it links (only libc
#    and the loader, at the host paths), laid out like the official image
#    (/bin/prometheus, /etc/prometheus/prometheus.yml, /prometheus) so that tests
#    can pass the same command to either image.
if ! podman image exists "$LOCAL_IMAGE"; then
  log "building $LOCAL_IMAGE from $(command -v prometheus)"
  work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
  root="$work/root"
  mkdir -p "$root/bin" "$root/etc/prometheus" "$root/prometheus" "$root/tmp"
  cp /usr/bin/prometheus "$root/bin/prometheus"
  libs=$(ldd /usr/bin/prometheus | grep -o '/[^ ]*') || die "ldd /usr/bin/prometheus failed"
  for lib in $libs; do   # copy each library (and what a symlink points to) to its host path
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
  cat >"$root/etc/prometheus/prometheus.yml" <<'EOF'
global:
  scrape_interval: 15s
scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: ['localhost:9090']
EOF
  chmod 1777 "$root/prometheus" "$root/tmp"   # writable whatever user runs it
  tar -C "$root" -cf "$work/root.tar" .
  podman import \
    --change 'ENTRYPOINT ["/bin/prometheus"]' \
    --change 'CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]' \
    --change 'WORKDIR /prometheus' \
    "$work/root.tar" "$LOCAL_IMAGE" >&2 || die "podman import failed"
fi

# 5. Docker-compatible API socket. A socket file whose service died is removed and
#    the service restarted; a service we started earlier is found by its pid file.
PID_FILE="$SOCK_DIR/podman.pid"
if [[ -n "${RESTART_SERVICE:-}" ]] || ! ping_sock; then
  mkdir -p "$SOCK_DIR"
  if [[ -f "$PID_FILE" ]]; then
    pid=$(cat "$PID_FILE")
    if tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -q 'podman system service'; then
      log "stopping podman service $pid"
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true   # it must not remove the new socket on exit
    fi
  fi
  rm -f "$SOCK" "$PID_FILE"
  log "starting podman API service on $SOCK (log: $SOCK_DIR/podman.log)"
  # setsid/nohup + all fds redirected: the service outlives this script and does not
  # hold the stdout pipe of `eval "$(...)"` open (which would hang the caller). It runs
  # in /, not in the caller's directory: the conmon of every container it starts inherits
  # that directory, and fails ("Failed to get working directory") once a checkout the
  # service was started from has been deleted.
  (cd / && exec setsid nohup podman system service --time=0 "unix://$SOCK" \
    </dev/null >>"$SOCK_DIR/podman.log" 2>&1) &
  echo $! >"$PID_FILE"
  for _ in $(seq 60); do ping_sock && break; sleep 0.5; done
  ping_sock || die "podman API did not answer on $SOCK within 30 s; see $SOCK_DIR/podman.log"
fi
log "podman API ready on $SOCK, image $LOCAL_IMAGE"

# Ryuk (Testcontainers' reaper container) is off: its image cannot be pulled here,
# and it needs the socket mounted into a container.
echo "export DOCKER_HOST=unix://$SOCK"
echo "export TESTCONTAINERS_RYUK_DISABLED=true"
echo "export JOB_METRICS_PROMETHEUS_IMAGE=$LOCAL_IMAGE"
