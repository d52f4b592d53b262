# Podman setup for a machine with no Docker engine, no systemd and no CAP_SYS_RESOURCE.
# Sourced by .ci/container.sh.

install_engine() {
    local missing=()
    local tool
    for tool in podman buildah runc debootstrap docker-compose; do
        command -v "$tool" >/dev/null || missing+=("$tool")
    done
    if ((${#missing[@]} > 0)); then
        log "installing ${missing[*]} from Debian"
        apt-get update -qq || return 1
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman buildah runc debootstrap uidmap docker-compose python3-yaml >/dev/null || return 1
    fi

    # dockerfile-utils lints offline; it is kept in the cache so later runs skip npm.
    if [[ ! -x $cache/npm/node_modules/.bin/dockerfile-utils ]]; then
        log "installing dockerfile-utils from npm"
        mkdir -p "$cache/npm"
        npm install --silent --no-audit --no-fund --prefix "$cache/npm" dockerfile-utils@0.16.3 >/dev/null || return 1
    fi
}

# Points podman at a store of this run only, so nothing here touches another user's images or
# lock state, and removing the run folder removes everything the run built.
configure_engine() {
    run_dir=$(mktemp -d /var/tmp/datapunk-container.XXXXXX)
    mkdir -p "$run_dir/storage" "$run_dir/run" "$run_dir/tmp"

    local nofile nproc
    nofile=$(ulimit -Hn)
    nproc=$(ulimit -Hu)
    if [[ $nproc == unlimited ]] || ((nproc > 32768)); then
        nproc=32768
    fi

    # crun fails on this kernel's hybrid cgroups; runc works. The default ulimits need
    # CAP_SYS_RESOURCE, which the machine lacks, so the hard limits in force are used instead.
    cat >"$run_dir/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
tmp_dir = "$run_dir/tmp"
EOF
    cat >"$run_dir/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$run_dir/storage"
runroot = "$run_dir/run"
EOF
    export CONTAINERS_CONF=$run_dir/containers.conf
    export CONTAINERS_STORAGE_CONF=$run_dir/storage.conf
    export BUILDAH_ISOLATION=chroot
    export TMPDIR=$run_dir/tmp
    log "podman store: $run_dir"
}

# Starts a container and records its id so cleanup removes it: start_container VAR ARGS...
# Without systemd podman cannot schedule health checks, so the timer is off and the checks call
# `podman healthcheck run` themselves.
start_container() {
    local var=$1
    shift
    local started_id
    started_id=$(podman run -d --health-interval=disable "$@") || return 1
    containers+=("$started_id")
    printf -v "$var" '%s' "$started_id"
}

remove_container() {
    local id=$1
    podman rm -f -t 2 "$id" >/dev/null 2>&1 || true
    local kept=()
    local other
    for other in "${containers[@]}"; do
        [[ $other == "$id" ]] || kept+=("$other")
    done
    containers=("${kept[@]}")
}

cleanup() {
    local id
    for id in "${containers[@]}"; do
        podman rm -f -t 2 "$id" >/dev/null 2>&1 || true
    done
    if [[ -n ${audit_server_pid:-} ]]; then
        kill "$audit_server_pid" 2>/dev/null || true
    fi
    if [[ -n ${run_dir:-} && -d $run_dir ]]; then
        podman unmount --all >/dev/null 2>&1 || true
        rm -rf "$run_dir" 2>/dev/null || log "could not remove $run_dir completely"
    fi
}
