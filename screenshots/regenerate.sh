#!/bin/sh
# Regenerates every screenshot from the script beside it, with the release build of irqscope if there is one, else
# the debug build (or the binary in $IRQSCOPE). Run from anywhere: screenshots/regenerate.sh
# The list here is the one Tests/DashboardTests/Screenshots/ScreenshotStalenessTests.swift checks.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
if [ -n "${IRQSCOPE:-}" ]; then
  irqscope=$IRQSCOPE
elif [ -x "$root/.build/release/irqscope" ]; then
  irqscope=$root/.build/release/irqscope
elif [ -x "$root/.build/debug/irqscope" ]; then
  irqscope=$root/.build/debug/irqscope
else
  echo "regenerate.sh: no irqscope binary; run swift build (or swift build -c release) first" >&2
  exit 2
fi
# The screenshots name their theme; the environment must not pick one (NO_COLOR, IRQSCOPE_THEME).
unset NO_COLOR IRQSCOPE_THEME
cd "$here"
# NAME  OPTIONS (besides --script NAME.irqs and --out NAME.svg / NAME.txt)
while read -r name options; do
  case "$name" in '#'* | '') continue ;; esac
  # shellcheck disable=SC2086 # the options are words
  "$irqscope" snapshot --script "$name.irqs" $options --out "$name.svg" --out "$name.txt"
  echo "screenshots/$name.svg, $name.txt"
done <screenshots.list
