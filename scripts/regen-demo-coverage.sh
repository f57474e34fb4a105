#!/bin/sh
# Regenerates examples/demo/coverage.json: the demo project with its change applied,
# measured by a real `coverage run -m pytest` + `coverage json`. Needs python3 with pytest and coverage.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -R "$here/examples/demo/project/." "$work/"
cp -R "$here/examples/demo/change/." "$work/"
cd "$work"
python3 -m coverage run --source=src -m pytest -q
python3 -m coverage json -o coverage.json
cp coverage.json "$here/examples/demo/coverage.json"
echo "wrote examples/demo/coverage.json"
