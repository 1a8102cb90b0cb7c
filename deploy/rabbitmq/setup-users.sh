#!/bin/sh
# Creates the taskbridge vhost and one user per service with the permissions of permissions.env,
# through the RabbitMQ management HTTP API (idempotent: safe to run on every `docker compose up`).
# Environment: RABBITMQ_API (http://rabbitmq:15672/api), RABBITMQ_ADMIN_USER/_PASS,
# TASKBRIDGE_VHOST, GATEWAY_PASSWORD, WORKER_PASSWORD.
set -eu
here=$(dirname "$0")
. "$here/permissions.env"

api=${RABBITMQ_API:-http://rabbitmq:15672/api}
admin="${RABBITMQ_ADMIN_USER:-admin}:${RABBITMQ_ADMIN_PASS:?set RABBITMQ_ADMIN_PASS}"
vhost=${TASKBRIDGE_VHOST:-taskbridge}

# JSON string escaping for the regexes (backslashes first, then quotes).
json() { printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g'; }

put() {
  curl -fsS -u "$admin" -H 'content-type: application/json' -X PUT "$api/$1" -d "$2" >/dev/null
}

echo "setup: waiting for $api"
i=0
until curl -fsS -u "$admin" "$api/overview" >/dev/null 2>&1; do
  i=$((i + 1))
  [ "$i" -lt 60 ] || { echo "setup: RabbitMQ API not reachable" >&2; exit 1; }
  sleep 2
done

put "vhosts/$vhost" '{}'
put "users/taskbridge-gateway" "{\"password\":\"$(json "${GATEWAY_PASSWORD:?}")\",\"tags\":\"\"}"
put "users/taskbridge-worker" "{\"password\":\"$(json "${WORKER_PASSWORD:?}")\",\"tags\":\"\"}"
put "permissions/$vhost/taskbridge-gateway" "{\"configure\":\"$(json "$GATEWAY_CONFIGURE")\",\"write\":\"$(json "$GATEWAY_WRITE")\",\"read\":\"$(json "$GATEWAY_READ")\"}"
put "permissions/$vhost/taskbridge-worker" "{\"configure\":\"$(json "$WORKER_CONFIGURE")\",\"write\":\"$(json "$WORKER_WRITE")\",\"read\":\"$(json "$WORKER_READ")\"}"
echo "setup: vhost $vhost, users taskbridge-gateway and taskbridge-worker ready"
