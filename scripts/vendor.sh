#!/usr/bin/env bash
# Install the front-end packages from npm and copy the files the pages use into static/vendor.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund --loglevel=error
out=static/vendor
rm -rf "$out"
mkdir -p "$out/pico" "$out/wavesurfer" "$out/chartjs"
cp node_modules/@picocss/pico/css/pico.min.css node_modules/@picocss/pico/LICENSE.md "$out/pico/"
cp node_modules/wavesurfer.js/dist/wavesurfer.esm.js "$out/wavesurfer/"
cp node_modules/wavesurfer.js/dist/plugins/regions.esm.js "$out/wavesurfer/"
cp node_modules/wavesurfer.js/LICENSE "$out/wavesurfer/"
cp node_modules/chart.js/dist/chart.umd.min.js node_modules/chart.js/LICENSE.md "$out/chartjs/"
echo "front-end packages copied to $out"
