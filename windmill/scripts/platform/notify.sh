#!/usr/bin/env bash
# Logs a notification line on stderr; the JSON result is the last line of stdout.
# Arguments: $1 message, $2 level (info, warning, error, critical; default info).
set -euo pipefail

message="${1:-}"
level="${2:-info}"

if [[ -z "$message" ]]; then
  echo "notify: a message is required" >&2
  exit 2
fi
case "$level" in
  info|warning|error|critical) ;;
  *) echo "notify: unknown level '$level' (expected info, warning, error or critical)" >&2; exit 2 ;;
esac

timestamp="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
label="$(printf '%s' "$level" | tr '[:lower:]' '[:upper:]')"
# One line per notification, even for a multi-line message.
printf '%s [%s] homeops: %s\n' "$timestamp" "$label" "$(printf '%s' "$message" | tr '\n' ' ')" >&2
echo '{"sent":true,"channel":"log"}'
