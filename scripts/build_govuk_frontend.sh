#!/usr/bin/env bash
# Rebuilds static/govuk/ from the govuk-frontend npm package with our brand settings.
# Run once at development time when upgrading; the output is committed so no Node is needed at run time.
# Not a GOV.UK service: Arial instead of GDS Transport, no crown or crest, no GOV.UK favicons.
set -euo pipefail
VER="${1:-5.14.0}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/static/govuk"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"
npm init -y >/dev/null
npm install --silent --no-audit --no-fund "govuk-frontend@${VER}" sass@1
cat > brand.scss <<SCSS
\$govuk-font-family: arial, sans-serif;
\$govuk-include-default-font-face: false;
\$govuk-assets-path: "assets/";
@import "node_modules/govuk-frontend/dist/govuk/index";
SCSS
npx sass --quiet --style=compressed --no-source-map --quiet-deps --silence-deprecation=import --load-path=. brand.scss out.css
# The header logo rule points at the GOV.UK crest, which only GOV.UK services may use.
sed -i 's#url("assets/images/govuk-crest.svg")#none#g' out.css
mkdir -p "$DEST"
cp out.css "$DEST/govuk-frontend.min.css"
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js "$DEST/"
sed -i 's#//\# sourceMappingURL=.*$##' "$DEST/govuk-frontend.min.js"
cp node_modules/govuk-frontend/package.json "$DEST/package.json"
echo "$VER" > "$DEST/VERSION"
