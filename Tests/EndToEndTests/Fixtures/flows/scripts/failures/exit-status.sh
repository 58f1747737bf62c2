#!/usr/bin/env bash
# Fails the way a shell script does: a message on stderr and a non-zero exit.
echo "starting the exit-status step"
echo "cannot reach the backup disk" >&2
exit 3
