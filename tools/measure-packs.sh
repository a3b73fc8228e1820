#!/bin/sh
# Measure the shipped rule packs: precision, recall, F1, clean-line flag rate, per-rule and
# per-term figures. A developer tool: needs a built Host and python3; CI does not run it.
#
#   tools/measure-packs.sh                 # the standard report (corpora + fixtures)
#   tools/measure-packs.sh FILE [ARGS...]  # one corpus or fixture; ARGS go to measure-packs.py
#                                          # (--pack abuse, --rules, --terms 50, --fp 20, --fn 20, --hits)
#
# Environment: RULES (default rules), CORPORA (default ../shared/data/corpora relative to the
# repo, i.e. /work/shared/data/corpora), GG (the groupguard.dll to run).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
RULES=${RULES:-$root/rules}
CORPORA=${CORPORA:-$root/../shared/data/corpora}
[ -d "$CORPORA" ] || CORPORA=/work/shared/data/corpora
GG=${GG:-$root/src/GroupGuard.Host/bin/Release/net10.0/groupguard.dll}
if [ ! -f "$GG" ]; then
  echo "build first: dotnet build src/GroupGuard.Host -c Release" >&2
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# scan FILE -> $tmp/<name>.jsonl (labels stripped from label<TAB>text lines)
scan() {
  out="$tmp/$(basename "$1").jsonl"
  sed -E 's/^[01]\t//' "$1" | dotnet "$GG" scan --rules "$RULES" > "$out" 2>"$tmp/scan.err" || { cat "$tmp/scan.err" >&2; exit 1; }
  echo "$out"
}

measure() {
  file=$1; shift
  v=$(scan "$file")
  python3 "$root/tools/measure-packs.py" "$file" "$v" --name "$(basename "$file")" "$@"
}

if [ $# -gt 0 ]; then
  measure "$@"
  exit 0
fi

dotnet "$GG" rules check --rules "$RULES"
for c in cold-train.tsv cold-dev.tsv swsr-comments.tsv; do
  v=$(scan "$CORPORA/$c")
  python3 "$root/tools/measure-packs.py" "$CORPORA/$c" "$v" --name "$c" --rules
  python3 "$root/tools/measure-packs.py" "$CORPORA/$c" "$v" --name "$c" --pack abuse
done
for f in "$root"/tools/fixtures/*.txt "$root"/tools/fixtures/*.tsv; do
  measure "$f" --hits
done
