#!/usr/bin/env bash
# Builds the container image with podman and checks it the way an operator would use it.
# The checks cover the Dockerfile lint, the compose files, both image stages, a real import
# through the API, health turning unhealthy, the dependency audit and the install integrity
# check. Prints one PASS/FAIL line per check and exits non-zero on any failure.
#
# Runs as root on Debian 12 with no container registry: the base images are built locally
# (debootstrap + the host's .NET) and passed to the Dockerfile as build arguments.
# Cache between runs: $DATAPUNK_CI_CACHE (default /var/cache/datapunk-ci) keeps the
# debootstrap tarball and the NuGet packages of the audit check.
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${DATAPUNK_CI_CACHE:-/var/cache/datapunk-ci}
started=$(date +%s)
failures=0
containers=()

log() { printf '[container %4ss] %s\n' "$(($(date +%s) - started))" "$*"; }
pass() { printf 'PASS: %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*"; failures=$((failures + 1)); }

# Runs a check: check NAME COMMAND...; the command's output goes to the log only on failure.
check() {
    local name=$1
    shift
    local output
    if output=$("$@" 2>&1); then
        pass "$name"
    else
        fail "$name"
        printf '%s\n' "$output" | tail -n 40 | sed 's/^/    /'
    fi
}

source "$repo/.ci/container/engine.sh"
source "$repo/.ci/container/base-images.sh"
source "$repo/.ci/container/checks.sh"

main() {
    if [[ $(id -u) != 0 ]]; then
        echo "container checks need root (podman with runc, debootstrap)" >&2
        exit 2
    fi

    install_engine || { fail "install podman, buildah, runc, debootstrap, dockerfile-utils"; finish; }
    configure_engine
    trap cleanup EXIT

    build_base_images || { fail "build local base images"; finish; }

    check_dockerfile_lint
    check_compose_files
    check_dockerignore

    if build_runtime_image; then
        pass "build runtime stage ($runtime_build_seconds s)"
        check_runtime_image
        check_runtime_container
        check_install_integrity_in_image
    else
        fail "build runtime stage"
    fi

    if build_development_image; then
        pass "build development stage ($development_build_seconds s)"
        check_development_image
        check_development_container
    else
        fail "build development stage"
    fi

    check_dependency_audit
    finish
}

finish() {
    local seconds=$(($(date +%s) - started))
    if ((failures > 0)); then
        echo "container checks: $failures failed in $seconds s"
        exit 1
    fi
    echo "container checks: all passed in $seconds s"
    exit 0
}

main "$@"
