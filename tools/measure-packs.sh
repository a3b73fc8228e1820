#!/bin/sh
# Measure the shipped rule packs: precision, recall, F1, clean-line flag rate, per-rule and
# per-term figures. A developer tool: needs a built Host and python3; CI does not run it.
#
#   tools/measure-packs.sh --corpora DIR             # the standard report: rules check, corpora, fixtures
#   tools/measure-packs.sh --extra XDIR              # ordinary text and held-out labelled sets (below)
#   tools/measure-packs.sh [--corpora DIR | --extra XDIR] FILE ...
#                       # one file; the rest goes to measure-packs.py (--pack abuse, --rules,
#                       # --terms 50, --fp 20, --fn 20, --hits, --sample 100 --seed 1)
#
# FILE is a path, or with --corpora / --extra a file of that folder by name (cold-dev.tsv).
#
# The corpora are not in the repository. DIR (or the CORPORA environment variable) is a folder
# with cold-train.tsv, cold-dev.tsv and swsr-comments.tsv, each `label<TAB>text` lines (in a .tsv,
# lines starting "# " are comments); see
# docs/detection.md for where to get them. XDIR (or EXTRA) is what tools/build-extra-corpora.py
# wrote: reviews-, social- and chat-{tune,held}.txt (ordinary text: the flag rate, per rule and
# term), cold-test.tsv and toxicn.tsv; the report takes whichever are there. The fixtures in
# tools/fixtures need nothing else:
#   tools/measure-packs.sh tools/fixtures/everyday-chat.txt --hits
#
# Environment: RULES (default: the repository's rules/), CORPORA (instead of --corpora),
# EXTRA (instead of --extra), GG (the groupguard.dll to run).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
corpus_files="cold-train.tsv cold-dev.tsv swsr-comments.tsv"

usage() {
  sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'
}

fail() {
  echo "measure-packs: $1" >&2
  exit 2
}

corpora=${CORPORA:-}
extra=${EXTRA:-}
extra_files="reviews-tune.txt reviews-held.txt social-tune.txt social-held.txt chat-tune.txt chat-held.txt cold-test.tsv toxicn.tsv"
while [ $# -gt 0 ]; do
  case $1 in
    --corpora) [ $# -ge 2 ] || fail "--corpora needs a folder"; corpora=$2; shift 2 ;;
    --corpora=*) corpora=${1#--corpora=}; shift ;;
    --extra) [ $# -ge 2 ] || fail "--extra needs a folder"; extra=$2; shift 2 ;;
    --extra=*) extra=${1#--extra=}; shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; break ;;
    -*) fail "unknown option $1 (try --help)" ;;
    *) break ;;
  esac
done

RULES=${RULES:-$root/rules}
GG=${GG:-$root/src/GroupGuard.Host/bin/Release/net10.0/groupguard.dll}

# What the corpora are and where they come from, for every error about them.
where="The corpora folder holds cold-train.tsv and cold-dev.tsv (COLD, github.com/thu-coai/COLDataset)
  and swsr-comments.tsv (SWSR, github.com/aggiejiang/SWSR), each as label<TAB>text lines;
  docs/detection.md says how to make them. Without them, measure a fixture:
  tools/measure-packs.sh tools/fixtures/everyday-chat.txt --hits"

where_extra="The extra folder is what tools/build-extra-corpora.py writes (reviews-tune.txt, social-held.txt,
  cold-test.tsv, toxicn.tsv ...); docs/detection.md, \"Measuring on ordinary text\", says how to build it."

# Every file is checked before anything runs, rather than after half a report.
if [ $# -eq 0 ]; then
  [ -n "$corpora" ] || [ -n "$extra" ] || fail "the standard report needs the corpora: give --corpora DIR (or CORPORA=DIR),
  or --extra XDIR for ordinary text.
  $where"
  if [ -n "$corpora" ]; then
    for c in $corpus_files; do
      [ -f "$corpora/$c" ] || fail "no $c in $corpora.
  $where"
    done
  fi
  if [ -n "$extra" ]; then
    [ -d "$extra" ] || fail "no such folder: $extra.
  $where_extra"
    found=
    for c in $extra_files; do [ -f "$extra/$c" ] && found=1; done
    [ -n "$found" ] || fail "none of $extra_files in $extra.
  $where_extra"
  fi
else
  # A corpus may be named alone (cold-dev.tsv) when its folder is given.
  if [ ! -f "$1" ] && [ -n "$corpora" ] && [ -f "$corpora/$1" ]; then
    file=$corpora/$1; shift; set -- "$file" "$@"
  elif [ ! -f "$1" ] && [ -n "$extra" ] && [ -f "$extra/$1" ]; then
    file=$extra/$1; shift; set -- "$file" "$@"
  fi
  if [ ! -f "$1" ]; then
    case " $corpus_files " in
      *" $(basename "$1") "*)
        if [ -n "$corpora" ]; then hint="nor in $corpora"; else hint="a corpus by name needs --corpora DIR"; fi
        fail "no such file: $1 ($hint).
  $where" ;;
    esac
    fail "no such file: $1"
  fi
fi

command -v python3 >/dev/null 2>&1 || fail "python3 is needed to score the verdicts"
if [ ! -f "$GG" ]; then
  echo "measure-packs: build first: dotnet build src/GroupGuard.Host -c Release" >&2
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# scan FILE -> $tmp/<name>.jsonl (labels stripped from label<TAB>text lines; in a .tsv file,
# lines starting "# " are comments and skipped, as measure-packs.py skips them)
scan() {
  out="$tmp/$(basename "$1").jsonl"
  case $1 in
    *.tsv) grep -v '^# ' "$1" ;;
    *) cat "$1" ;;
  esac | sed -E 's/^[01]\t//' | dotnet "$GG" scan --rules "$RULES" > "$out" 2>"$tmp/scan.err" || { cat "$tmp/scan.err" >&2; exit 1; }
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

# Ordinary text: how much is flagged, by which rules and terms. Held-out labelled sets: precision
# and recall, all packs and the abuse pack alone.
if [ -n "$extra" ]; then
  for c in $extra_files; do
    [ -f "$extra/$c" ] || { echo "($c: not in $extra, skipped)"; continue; }
    v=$(scan "$extra/$c")
    case $c in
      *.txt) python3 "$root/tools/measure-packs.py" "$extra/$c" "$v" --name "$c" --rules --terms 15 ;;
      *) python3 "$root/tools/measure-packs.py" "$extra/$c" "$v" --name "$c" --rules
         python3 "$root/tools/measure-packs.py" "$extra/$c" "$v" --name "$c" --pack abuse ;;
    esac
  done
  [ -n "$corpora" ] || exit 0
fi

for c in $corpus_files; do
  v=$(scan "$corpora/$c")
  python3 "$root/tools/measure-packs.py" "$corpora/$c" "$v" --name "$c" --rules
  python3 "$root/tools/measure-packs.py" "$corpora/$c" "$v" --name "$c" --pack abuse
done
for f in "$root"/tools/fixtures/*.txt "$root"/tools/fixtures/*.tsv; do
  # senses.tsv holds expected verdicts, not labels: the tests read it (ShippedPacksTests).
  [ "$(basename "$f")" = senses.tsv ] && continue
  measure "$f" --hits
done
