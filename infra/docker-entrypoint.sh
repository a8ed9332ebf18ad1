#!/bin/sh
# The image's entrypoint. The server itself never runs as root.
#
# Started as root (the image's default, like the official postgres image; Fly.io mounts volumes
# owned by root, and so does Docker for a host directory), it gives the embedded database's
# directory to the unprivileged `node` user, then drops to that user with setpriv. Started as any
# other user (`docker run --user 1000`, Kubernetes runAsUser), it runs the server as that user
# and leaves permissions alone.
set -eu

if [ "$(id -u)" = "0" ]; then
  if [ -z "${DATABASE_URL:-}" ]; then
    data="${WEFT_DATA_DIR:-/data}"
    mkdir -p "$data"
    if [ "$(stat -c %u "$data")" != "$(id -u node)" ]; then
      chown -R node:node "$data"
    fi
  fi
  exec setpriv --reuid=node --regid=node --init-groups -- "$@"
fi
exec "$@"
