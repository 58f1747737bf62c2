#!/bin/bash
window="${1:-1}"
cut -d' ' -f1 /proc/loadavg
