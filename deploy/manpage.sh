#!/usr/bin/env bash
# deploy/manpage.sh SUPERVISOR_BINARY: prints a man page, supervisor(1), made from the binary's
# own --help texts, so the page says what the binary does: NAME and DESCRIPTION from
# `supervisor --help`, then one COMMANDS entry per verb (and per sub-verb, as `keys init`) with
# that verb's --help as written, and FILES and ENVIRONMENT. SOURCE_DATE_EPOCH fixes the date.
#
# Why not ArgumentParser's `swift package plugin generate-manual`: it works offline, but it
# builds the whole package itself in the configuration it is given, without `make build`'s
# release flags, which rebuilds (and relinks) the release binaries that `make install` installs.
set -euo pipefail
supervisor="${1:?usage: deploy/manpage.sh SUPERVISOR_BINARY}"
# 72 columns: the verbatim help blocks stay within an 80-column terminal after man's indent.
export COLUMNS=72

# Text as roff: backslashes and minus signs escaped, a leading . or ' made literal.
roff() {
    sed -e 's/\\/\\e/g' -e 's/-/\\-/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"
}

# The verbs listed under SUBCOMMANDS in a help text (two spaces, a lower-case name).
verbs_of() {
    awk '/^SUBCOMMANDS:/ { on = 1; next } on && /^[A-Z]/ { on = 0 } on && /^  [a-z][a-z0-9-]*( |$)/ { print $1 }'
}

# The help text of a verb without its leading "OVERVIEW: ", as a verbatim block.
verbatim() {
    echo ".nf"
    sed -e '1s/^OVERVIEW: //' | roff
    echo ".fi"
}

top="$("$supervisor" --help)"
version="$("$supervisor" --version)"
date="$(date -u -d "@${SOURCE_DATE_EPOCH:-$(date +%s)}" +%Y-%m-%d)"
# The overview: its first paragraph is the one-line summary, the rest (up to USAGE) the description.
overview="$(printf '%s\n' "$top" | sed -n '1,/^USAGE:/p' | sed -e '$d' -e '1s/^OVERVIEW: //')"
summary="$(printf '%s\n' "$overview" | awk 'NF == 0 { exit } { printf "%s%s", (NR > 1 ? " " : ""), $0 }')"

cat <<EOF
.TH SUPERVISOR 1 "$date" "supervisor $version" "User Commands"
.SH NAME
supervisor \\- $(printf '%s\n' "$summary" | sed -e 's/^[A-Z]/\L&/' -e 's/\.$//' | roff)
.SH SYNOPSIS
.B supervisor
.I verb
.RI [ arguments ]
.RI [ options ]
.br
.B supervisor
.RB [ \\-\\-help | \\-\\-version ]
.SH DESCRIPTION
EOF
# The paragraphs after the summary, filled; a blank line between two starts a new one.
printf '%s\n' "$overview" | awk 'started { print } NF == 0 { started = 1 }' | roff | sed 's/^$/.PP/'

echo ".SH COMMANDS"
for verb in $(printf '%s\n' "$top" | verbs_of); do
    help="$("$supervisor" "$verb" --help)"
    echo ".SS \"supervisor $verb\""
    printf '%s\n' "$help" | verbatim
    for sub in $(printf '%s\n' "$help" | verbs_of); do
        echo ".SS \"supervisor $verb $sub\""
        "$supervisor" "$verb" "$sub" --help | verbatim
    done
done

cat <<'EOF'
.SH FILES
.TP
.I agents.yaml
The manifest: every agent, its host, command, dependencies, health check and limits.
Without \-\-manifest and $SUPERVISOR_MANIFEST, the verbs look for it in the current
folder, then in each parent folder up to /.
.TP
.I hosts
Host name, address and control port, one host per line; by default the one beside the manifest.
.TP
.I keys/
The CurveZMQ keys (\fBsupervisor keys init\fR). The client verbs (status, start, stop, ...)
and \fBup\fR look for them beside the manifest unless \-\-keys is given; \fBkeys init\fR uses
keys/ in the current folder.
.TP
.IR logs/ ", " run/
Agent logs and the supervisors' run files, beside the manifest.
.SH ENVIRONMENT
.TP
.B SUPERVISOR_MANIFEST
The manifest when \-\-manifest is not given.
.TP
.B SUPERVISOR_HOSTS
The hosts file when \-\-hosts is not given.
.TP
.B SUPERVISOR_KEY
The client key when \-\-key is not given.
.TP
.B NO_COLOR
Set to anything: no colour from \fBstatus\fR.
.SH SEE ALSO
The README and docs/ of the supervisor sources.
EOF
