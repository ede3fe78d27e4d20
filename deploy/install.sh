#!/usr/bin/env bash
# deploy/install.sh BIN_DIR PREFIX: installs the built binaries of BIN_DIR (`make install` passes
# .build/release) under $DESTDIR$PREFIX:
#   bin/supervisor, bin/agent-sim      (agent-sim beside supervisor: ${SUPERVISOR_BIN_DIR})
#   share/bash-completion/completions/supervisor
#   share/zsh/site-functions/_supervisor
#   share/fish/vendor_completions.d/supervisor.fish
#   share/man/man1/supervisor.1        (deploy/manpage.sh, from the binary's --help)
# The completions come from the binary itself (ArgumentParser's --generate-completion-script).
# deploy/install.sh --uninstall PREFIX removes those files again ($DESTDIR too).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
usage="usage: deploy/install.sh BIN_DIR PREFIX | deploy/install.sh --uninstall PREFIX (DESTDIR from the environment)"
destdir="${DESTDIR:-}"

# Every installed file, relative to PREFIX.
files=(
    bin/supervisor
    bin/agent-sim
    share/bash-completion/completions/supervisor
    share/zsh/site-functions/_supervisor
    share/fish/vendor_completions.d/supervisor.fish
    share/man/man1/supervisor.1
)

if [ "${1:-}" = "--uninstall" ]; then
    prefix="${2:?$usage}"
    for file in "${files[@]}"; do
        target="$destdir$prefix/$file"
        if [ -e "$target" ] || [ -L "$target" ]; then
            rm -f "$target"
            echo "removed $target"
        fi
    done
    exit 0
fi

bin_dir="${1:?$usage}"
prefix="${2:?$usage}"
case "$prefix" in
    /*) ;;
    *) echo "deploy/install.sh: PREFIX must be an absolute path, not '$prefix'" >&2; exit 2 ;;
esac
for program in supervisor agent-sim; do
    [ -x "$bin_dir/$program" ] || { echo "deploy/install.sh: $bin_dir/$program not found (make build)" >&2; exit 2; }
done
root="$destdir$prefix"
supervisor="$bin_dir/supervisor"

# Generated first, into a scratch folder: a binary that cannot produce them installs nothing.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
for shell in bash zsh fish; do
    "$supervisor" --generate-completion-script "$shell" >"$scratch/$shell" || {
        echo "deploy/install.sh: $supervisor --generate-completion-script $shell failed" >&2; exit 1; }
done
"$here/manpage.sh" "$supervisor" >"$scratch/supervisor.1"

install -d "$root/bin" "$root/share/bash-completion/completions" "$root/share/zsh/site-functions" \
    "$root/share/fish/vendor_completions.d" "$root/share/man/man1"
install -m 755 "$bin_dir/supervisor" "$root/bin/supervisor"
install -m 755 "$bin_dir/agent-sim" "$root/bin/agent-sim"
install -m 644 "$scratch/bash" "$root/share/bash-completion/completions/supervisor"
install -m 644 "$scratch/zsh" "$root/share/zsh/site-functions/_supervisor"
install -m 644 "$scratch/fish" "$root/share/fish/vendor_completions.d/supervisor.fish"
install -m 644 "$scratch/supervisor.1" "$root/share/man/man1/supervisor.1"
for file in "${files[@]}"; do echo "installed $root/$file"; done
