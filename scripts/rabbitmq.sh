#!/usr/bin/env bash
# Install what the RabbitMQ listener tests need: Debian's rabbitmq-server package (and Erlang). The tests start
# their own node from it (RabbitBroker: a free port, a temporary data directory, its own node name and epmd)
# and stop it afterwards, so the package's own service is never used.
#
#   scripts/rabbitmq.sh        # called by scripts/test.sh
#
# Safe to rerun: nothing is done when the package is installed. Any failure exits non-zero, so the tests fail
# instead of being skipped.
set -euo pipefail

log() { echo "rabbitmq: $*" >&2; }

if dpkg-query -W -f='${Status}' rabbitmq-server 2>/dev/null | grep -q 'install ok installed'; then
  exit 0
fi
[[ $EUID -eq 0 ]] || { log "ERROR: rabbitmq-server is not installed, and installing it needs root (apt-get install rabbitmq-server)"; exit 1; }
log "installing rabbitmq-server"
export DEBIAN_FRONTEND=noninteractive
{ apt-get update -q && apt-get install -y -q --no-install-recommends rabbitmq-server; } >&2 \
  || { log "ERROR: apt-get install rabbitmq-server failed"; exit 1; }
