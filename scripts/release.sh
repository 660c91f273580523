#!/usr/bin/env bash
# The tag logic of a release, run by .github/workflows/release.yml and testable against any git
# repository (the current directory's) and its remote.
#
#   scripts/release.sh check VERSION [options]   refuse a release that must not happen
#   scripts/release.sh notes VERSION [options]   print CHANGELOG.md's section for VERSION
#   scripts/release.sh tag VERSION [options]     check, then tag vX.Y.Z (annotated) and move vX
#
# VERSION is X.Y.Z (a leading v is accepted). `check` refuses: a version not of that form; a run
# from a ref other than the default branch (when --from-ref and --default-branch are given); a
# tag vX.Y.Z that exists on the remote or here; a version not greater than the remote's latest
# vX.Y.Z tag; a CHANGELOG.md without a non-empty `## [X.Y.Z]` section. `tag` creates the
# annotated tag vX.Y.Z on the commit, points the major tag vX at the same commit, and pushes
# both in one atomic push in which only vX is forced. Nothing else is ever force-pushed.
#
# Options:
#   --dry-run                print the commands that change anything instead of running them
#   --remote NAME            the remote to compare with and push to (default origin)
#   --commit REV             what to tag (default HEAD)
#   --changelog PATH         (default CHANGELOG.md at the repository's top level)
#   --from-ref REF           the ref the release runs from, e.g. refs/heads/main ($GITHUB_REF)
#   --default-branch NAME    the repository's default branch, e.g. main
set -euo pipefail

die() {
  echo "release: $*" >&2
  exit 1
}

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
}

[ $# -ge 1 ] || usage
command=$1
shift
case "$command" in
  check | notes | tag) ;;
  -h | --help | help) usage ;;
  *) die "unknown command '$command' (check, notes or tag)" ;;
esac

version=''
dry_run=false
remote=origin
commit=HEAD
changelog=''
from_ref=''
default_branch=''
while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) dry_run=true ;;
    --remote | --commit | --changelog | --from-ref | --default-branch)
      [ $# -ge 2 ] || die "$1 needs a value"
      case "$1" in
        --remote) remote=$2 ;;
        --commit) commit=$2 ;;
        --changelog) changelog=$2 ;;
        --from-ref) from_ref=$2 ;;
        --default-branch) default_branch=$2 ;;
      esac
      shift
      ;;
    -*) die "unknown option '$1'" ;;
    *)
      [ -z "$version" ] || die "one version only ('$version', then '$1')"
      version=$1
      ;;
  esac
  shift
done

[ -n "$version" ] || die "no version given: $command X.Y.Z"
version=${version#v}
number='(0|[1-9][0-9]*)'
[[ "$version" =~ ^$number\.$number\.$number$ ]] ||
  die "'$version' is not a version X.Y.Z (three numbers, no leading zeros, no pre-release)"
major=${BASH_REMATCH[1]}
tag="v$version"
major_tag="v$major"

top=$(git rev-parse --show-toplevel) || die "not inside a git repository"
[ -n "$changelog" ] || changelog="$top/CHANGELOG.md"

# The changelog's section for this version: from its `## [X.Y.Z]` heading (optionally followed by
# ` - date`) to the next `## ` heading or the link definitions at the end, blank edges trimmed.
section() {
  [ -f "$changelog" ] || die "no changelog at $changelog"
  awk -v heading="## [$version]" '
    function starts(line, prefix) { return substr(line, 1, length(prefix)) == prefix }
    inside && (starts($0, "## ") || $0 ~ /^\[[^]]+\]: /) { inside = 0 }
    inside { lines[++n] = $0 }
    $0 == heading || starts($0, heading " ") { inside = 1; found = 1 }
    END {
      first = 1; while (first <= n && lines[first] ~ /^[[:space:]]*$/) first++
      last = n; while (last >= first && lines[last] ~ /^[[:space:]]*$/) last--
      for (i = first; i <= last; i++) print lines[i]
      exit found ? 0 : 3
    }
  ' "$changelog"
}

if [ "$command" = notes ]; then
  notes=$(section) || die "$changelog has no '## [$version]' section"
  [ -n "$notes" ] || die "the '## [$version]' section of $changelog is empty"
  printf '%s\n' "$notes"
  exit 0
fi

# greater A B: succeeds when version A (three numbers) is greater than version B.
greater() {
  local -a a b
  IFS=. read -r -a a <<<"$1"
  IFS=. read -r -a b <<<"$2"
  local i
  for i in 0 1 2; do
    if ((a[i] != b[i])); then
      ((a[i] > b[i]))
      return
    fi
  done
  return 1
}

if [ -n "$from_ref" ] || [ -n "$default_branch" ]; then
  [ -n "$from_ref" ] && [ -n "$default_branch" ] ||
    die "--from-ref and --default-branch go together"
  [ "$from_ref" = "refs/heads/$default_branch" ] ||
    die "releases are made from the default branch (refs/heads/$default_branch), not $from_ref"
fi

target=$(git rev-parse --verify --quiet "$commit^{commit}") || die "'$commit' is not a commit"

# The remote's tags are the truth: a local clone may hold stale copies of moved major tags.
remote_tags=$(git ls-remote --refs --tags "$remote") || die "cannot list the tags of '$remote'"
latest=''
while read -r _ ref; do
  name=${ref#refs/tags/}
  [ "$name" = "$tag" ] && die "tag $tag already exists on $remote"
  [[ "$name" =~ ^v$number\.$number\.$number$ ]] || continue
  if [ -z "$latest" ] || greater "${name#v}" "$latest"; then latest=${name#v}; fi
done <<<"$remote_tags"
if git rev-parse --verify --quiet "refs/tags/$tag" >/dev/null; then
  die "tag $tag already exists in this repository (delete the local tag if it was never pushed)"
fi
if [ -n "$latest" ] && ! greater "$version" "$latest"; then
  die "$version is not greater than the latest release v$latest"
fi

notes=$(section) || die "$changelog has no '## [$version]' section: move the [Unreleased] entries under '## [$version] - $(date -u +%F)' first"
[ -n "$notes" ] || die "the '## [$version]' section of $changelog is empty"

echo "release: $tag on $target (latest release: ${latest:+v}${latest:-none}; $major_tag will point at $tag)"
[ "$command" = check ] && exit 0

run() {
  if $dry_run; then
    printf '+'
    printf ' %q' "$@"
    printf '\n'
  else
    "$@"
  fi
}

run git tag --annotate --message "$tag" "$tag" "$target"
run git tag --force "$major_tag" "$target"
if ! run git push --atomic "$remote" "refs/tags/$tag" "+refs/tags/$major_tag"; then
  git tag --delete "$tag" >/dev/null # nothing was pushed (atomic): leave no local tag behind
  die "the push to $remote failed; nothing was released"
fi
if $dry_run; then
  echo "release: dry run, nothing was tagged or pushed"
else
  echo "release: pushed $tag and moved $major_tag to it ($target)"
fi
