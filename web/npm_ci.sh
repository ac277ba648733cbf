#!/bin/sh
# Installs web/'s npm packages (Leaflet for the map page, playwright-core for its browser
# test) into the current folder of the build tree, pinned by package-lock.json. Uses the
# system CA bundle when there is one (TLS-inspecting proxies add their CA there). Without
# the npm registry the build goes on: the page is served without its map library, and the
# tests that need it say so and skip.
cafile=/etc/ssl/certs/ca-certificates.crt
set -- ci --no-audit --no-fund --loglevel=error
[ -r "$cafile" ] && set -- "$@" --cafile "$cafile"
if npm "$@"; then
  echo ok > npm-ci.result
else
  echo "WARNING: npm ci failed (is the npm registry reachable?); the map page is built" \
       "without Leaflet and its browser tests will skip" >&2
  echo failed > npm-ci.result
fi
touch npm-ci.stamp
