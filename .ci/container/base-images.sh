# Local stand-ins for the public .NET images, since no container registry is reachable here.
# Sourced by .ci/container.sh.

local_base=localhost/datapunk-ci/debian-base:bookworm
local_sdk=localhost/datapunk-ci/dotnet-sdk:10.0
local_aspnet=localhost/datapunk-ci/dotnet-aspnet:10.0

# The first bookworm mirror that apt on this machine uses.
debian_mirror() {
    local mirror
    mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null)
    if [[ -z $mirror ]]; then
        mirror=$(awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' /etc/apt/sources.list 2>/dev/null)
    fi
    printf '%s\n' "${mirror:-http://deb.debian.org/debian}"
}

build_base_tarball() {
    local tarball=$1
    local rootfs=$run_dir/rootfs
    local mirror
    mirror=$(debian_mirror)

    log "debootstrap bookworm from $mirror (cached afterwards in $cache)"
    debootstrap --variant=minbase --include=ca-certificates,libicu72,libssl3,tzdata,curl \
        bookworm "$rootfs" "$mirror" >"$run_dir/debootstrap.log" 2>&1 || {
        tail -n 20 "$run_dir/debootstrap.log"
        return 1
    }
    rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/* \
        "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/*
    tar --numeric-owner -C "$rootfs" -cf "$tarball.partial" . || return 1
    mv "$tarball.partial" "$tarball"
    rm -rf "$rootfs"
}

build_base_images() {
    local tarball=$cache/debian-bookworm-minbase.tar
    mkdir -p "$cache"
    if [[ ! -s $tarball ]]; then
        build_base_tarball "$tarball" || return 1
    fi

    log "importing the base image"
    podman import --quiet "$tarball" "$local_base" >/dev/null || return 1

    local dotnet_root=${DOTNET_ROOT:-/usr/share/dotnet}
    local context=$run_dir/base-context
    mkdir -p "$context"

    # The SDK image takes the host's whole .NET install; the runtime image only the host and
    # shared frameworks, as the public aspnet image does.
    cat >"$context/sdk.Containerfile" <<EOF
FROM $local_base
COPY --from=dotnet . /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet
ENV DOTNET_ROOT=/usr/share/dotnet DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
EOF
    cat >"$context/aspnet.Containerfile" <<EOF
FROM $local_base
COPY --from=dotnet dotnet LICENSE.txt /usr/share/dotnet/
COPY --from=dotnet host /usr/share/dotnet/host
COPY --from=dotnet shared /usr/share/dotnet/shared
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet
ENV DOTNET_ROOT=/usr/share/dotnet DOTNET_RUNNING_IN_CONTAINER=true
EOF

    log "building local SDK and ASP.NET runtime images from $dotnet_root"
    podman build --quiet --format docker --build-context dotnet="$dotnet_root" \
        -f "$context/sdk.Containerfile" -t "$local_sdk" "$context" >/dev/null || return 1
    podman build --quiet --format docker --build-context dotnet="$dotnet_root" \
        -f "$context/aspnet.Containerfile" -t "$local_aspnet" "$context" >/dev/null || return 1
}
