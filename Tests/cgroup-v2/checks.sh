#!/bin/bash
# The guest's checks (run by guest-init.sh in the VM run-vm.sh boots): the release `supervisor`
# against the real cgroup v2 hierarchy, started in the root cgroup and in delegated child
# cgroups. One line per check to SHARE/results.tsv: PASS|FAIL|SKIP, name, detail.
#
#   checks.sh SHARE
here="$(dirname "$0")"
source "$here/checks-lib.sh"
source "$here/checks-limits.sh"
source "$here/checks-lifecycle.sh"
source "$here/checks-delegation.sh"

: >"$results"
printf '# kernel\t%s\n' "$(uname -r)" >>"$results"
export SIM_READY=200ms

controllers="$(value $cgroup_root/cgroup.controllers)"
check v2-only-hierarchy "cgroup2 at $cgroup_root offers: $controllers; v1 mounts: $(grep -c ' cgroup ' /proc/mounts)" \
    test "$(stat -f -c %T $cgroup_root)" = cgroup2fs -a "$(grep -c ' cgroup ' /proc/mounts)" = 0
for wanted in memory cpu pids; do
    grep -qw "$wanted" <<<"$controllers" || result FAIL "v2-controllers" "no $wanted in $controllers"
done

check_limits_from_root
check_lifecycle_from_root
check_delegated
check_crowded_cgroup
check_undelegated_cgroup

echo "# end" >>"$results"
