#!/usr/bin/env bash
# Minifies the scripts and stylesheets of a built web folder in place with esbuild (pinned in
# tools/package.json, installed by scripts/setup.sh): every `.js` (the wasm-bindgen glue) and
# `.css` (style.css, office.css) under DIR, then sets the `integrity` (sha384) of every reference
# to them in the folder's HTML pages to the new content, and checks that each `integrity` there
# matches its file. The names keep the hash Trunk gave the unminified file, which names the
# minified one as uniquely. Run by scripts/build-web.sh before scripts/precompress.sh.
# Usage: scripts/minify-web.sh DIR
set -euo pipefail
dir=${1:?usage: scripts/minify-web.sh DIR}
dir=$(cd "$dir" && pwd)
cd "$(dirname "$0")/.."
export PATH="$PWD/tools/node_modules/.bin:$PATH"
command -v esbuild >/dev/null || { echo "minify-web: esbuild is missing (scripts/setup.sh installs it)" >&2; exit 2; }

# The browsers that can run the wasm at all (it uses reference types): esbuild may write syntax
# they all read, and nothing newer.
target=chrome96,firefox79,safari15

# The `integrity` value of a file, with node (there for the npm tools anyway).
sri() {
  node -e 'const c = require("crypto"), fs = require("fs");
    process.stdout.write("sha384-" + c.createHash("sha384").update(fs.readFileSync(process.argv[1])).digest("base64"));' "$1"
}

mapfile -t pages < <(find "$dir" -type f -name '*.html')
while IFS= read -r -d '' file; do
  out=$(mktemp "$file.XXXXXX")
  esbuild "$file" --minify --target="$target" --log-level=warning --outfile="$out"
  mv "$out" "$file"
  chmod 644 "$file"
  url=/${file#"$dir"/}
  hash=$(sri "$file")
  for page in "${pages[@]}"; do
    sed -i -E "s#(href=\"$url\"[^>]*integrity=\")sha384-[^\"]*\"#\\1$hash\"#" "$page"
  done
done < <(find "$dir" -type f \( -name '*.js' -o -name '*.css' \) -print0)

# Every integrity in the pages names its file's content, or the browser would refuse the file.
for page in "${pages[@]}"; do
  while read -r url hash; do
    [ "$(sri "$dir$url")" = "$hash" ] || { echo "minify-web: $page: the integrity of $url does not match it" >&2; exit 1; }
  done < <(grep -oE 'href="/[^"]+"[^>]*integrity="sha384-[^"]+"' "$page" |
    sed -E 's#^href="([^"]+)".*integrity="([^"]+)"$#\1 \2#')
done
