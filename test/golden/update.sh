#!/usr/bin/env bash
# Regenerates test/golden/ from examples/ (deliberately: read the diff, then commit it).
set -euo pipefail
cd "$(dirname "$0")/../.."
npx tsc -p . >/dev/null || true
UPDATE_GOLDEN=1 npx mocha --no-config --timeout 60000 out/test/render/golden.test.js out/test/engines/golden.test.js
git --no-pager diff --stat -- test/golden || true
