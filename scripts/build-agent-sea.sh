#!/usr/bin/env bash
# Builds the agent as a Node single executable application (https://nodejs.org/api/single-executable-applications.html):
# one binary with Node inside, no Node install needed on the target. Run manually (it copies the node binary,
# ~100 MB, and needs npx postject); not part of npm test.
#   scripts/build-agent-sea.sh            → dist/vigie-agent (for this OS/arch)
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p dist

# 1. One CommonJS file: SEA runs its main script as CommonJS.
node scripts/build-agent.mjs --cjs

# 2. The SEA blob; disableExperimentalSEAWarning keeps stderr clean for timers.
cat > dist/sea-config.json <<JSON
{ "main": "dist/vigie-agent.cjs", "output": "dist/vigie-agent.blob", "disableExperimentalSEAWarning": true }
JSON
node --experimental-sea-config dist/sea-config.json

# 3. A copy of this node binary with the blob injected (postject, fetched by npx at build time only).
cp "$(command -v node)" dist/vigie-agent
chmod u+w dist/vigie-agent
if [ "$(uname)" = Darwin ]; then codesign --remove-signature dist/vigie-agent; fi
npx --yes postject dist/vigie-agent NODE_SEA_BLOB dist/vigie-agent.blob \
  --sentinel-fuse NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2 $( [ "$(uname)" = Darwin ] && echo --macho-segment-name NODE_SEA )
if [ "$(uname)" = Darwin ]; then codesign --sign - dist/vigie-agent; fi
echo "built dist/vigie-agent ($(du -h dist/vigie-agent | cut -f1)); try: dist/vigie-agent --json | head"
