#!/usr/bin/env bash
# Vendor MathJax into _vendor/mathjax so that the rendered book typesets its formulas offline
# (a classroom without a network; every machine here). Run once when changing the version; the
# build itself never reaches the network. Needs npm and the npm registry.
#
# What is kept of the package (MathJax 3, es5 build, Apache-2.0): the combined TeX + MathML input
# with CommonHTML output (tex-mml-chtml.js), its web fonts, the TeX extensions it may autoload,
# and the menu and accessibility components it loads on demand. Left out: the speech rule engine
# (sre/, 4 MB), which only the optional explorer uses.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=3.2.2
SHA256=1b9c0a1c44df864e915690558e72adb9cc5203360daefd385084ced3b6c64c09  # of mathjax-$VERSION.tgz
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "mathjax@$VERSION" > /dev/null)
echo "$SHA256  $tmp/mathjax-$VERSION.tgz" | sha256sum --check --quiet
tar -xzf "$tmp/mathjax-$VERSION.tgz" -C "$tmp"
rm -rf _vendor/mathjax
mkdir -p _vendor/mathjax/output/chtml/fonts _vendor/mathjax/input/tex
es5="$tmp/package/es5"
cp "$es5/tex-mml-chtml.js" _vendor/mathjax/
cp -r "$es5/output/chtml/fonts/woff-v2" _vendor/mathjax/output/chtml/fonts/
cp -r "$es5/input/tex/extensions" _vendor/mathjax/input/tex/
cp -r "$es5/a11y" "$es5/ui" _vendor/mathjax/
cp "$tmp/package/LICENSE" _vendor/mathjax/LICENSE
printf 'MathJax %s (npm package mathjax, sha256 %s), a subset of its es5 build: see scripts/vendor_mathjax.sh.\n' \
    "$VERSION" "$SHA256" > _vendor/mathjax/VERSION
echo "vendor_mathjax: MathJax $VERSION in _vendor/mathjax ($(du -sh _vendor/mathjax | cut -f1))"
