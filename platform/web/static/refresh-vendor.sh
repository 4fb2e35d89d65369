#!/bin/sh
# Refreshes the vendored front-end packages from the npm registry, so that
# building Piazza never needs Node: Bootstrap Italia (the Designers Italia UI
# kit: built CSS, JS bundle, fonts, icon sprite) and htmx.
# Usage: platform/web/static/refresh-vendor.sh [bootstrap-italia version] [htmx version]
set -eu
BI=${1:-2.18.3}
HTMX=${2:-2.0.4}
AXE=${3:-4.10.2} # axe-core, for the accessibility tests only
SPID=${4:-1.1.5} # AgID's spid-smart-button, for the official SPID icon
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm pack --silent "bootstrap-italia@$BI" "htmx.org@$HTMX" "axe-core@$AXE" "spid-smart-button@$SPID" >/dev/null
mkdir bi htmx axe spid
tar xzf "bootstrap-italia-$BI.tgz" -C bi
tar xzf "htmx.org-$HTMX.tgz" -C htmx
tar xzf "axe-core-$AXE.tgz" -C axe
tar xzf "spid-smart-button-$SPID.tgz" -C spid
dst="$here/vendor"
rm -rf "$dst"
mkdir -p "$dst/bootstrap-italia/css" "$dst/bootstrap-italia/js" "$dst/bootstrap-italia/svg" "$dst/htmx"
cp bi/package/dist/css/bootstrap-italia.min.css "$dst/bootstrap-italia/css/"
cp bi/package/dist/js/bootstrap-italia.bundle.min.js "$dst/bootstrap-italia/js/"
cp bi/package/dist/svg/sprites.svg "$dst/bootstrap-italia/svg/"
cp -r bi/package/dist/fonts "$dst/bootstrap-italia/fonts"
cp bi/package/LICENSE "$dst/bootstrap-italia/LICENSE" 2>/dev/null || true
cp htmx/package/dist/htmx.min.js "$dst/htmx/"
cp htmx/package/LICENSE "$dst/htmx/LICENSE" 2>/dev/null || true
mkdir -p "$dst/spid"
cp spid/package/dist/img/spid-ico-circle-bb.svg "$dst/spid/"
printf 'spid-smart-button is by AgID, licensed EUPL-1.2 (https://github.com/italia/spid-smart-button)\n' > "$dst/spid/NOTICE"
printf 'bootstrap-italia %s\nhtmx.org %s\nspid-smart-button %s\n' "$BI" "$HTMX" "$SPID" > "$dst/VERSIONS"
mkdir -p "$here/../webtest/axe"
cp axe/package/axe.min.js axe/package/LICENSE "$here/../webtest/axe/"
echo "vendored bootstrap-italia $BI and htmx $HTMX into $dst"
