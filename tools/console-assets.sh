#!/bin/sh
# Installs the console's front-end libraries from npm (versions pinned in
# tools/console-assets/package-lock.json) and copies what the console serves, with each licence,
# into src/GroupGuard.Host/wwwroot/console/lib. The copies are committed, so building and running
# GroupGuard needs no npm; run this only to update a library, then commit the result.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
lib="$here/../src/GroupGuard.Host/wwwroot/console/lib"
cd "$here/console-assets"
npm ci --no-audit --no-fund
mkdir -p "$lib/chart.js"
cp node_modules/chart.js/dist/chart.umd.min.js node_modules/chart.js/LICENSE.md "$lib/chart.js/"
version=$(node -p "require('./node_modules/chart.js/package.json').version")
echo "chart.js $version" > "$lib/chart.js/VERSION"
echo "console assets: chart.js $version copied to $lib"
