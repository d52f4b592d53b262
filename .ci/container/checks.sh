# The checks of .ci/container.sh. Each check_* function prints PASS or FAIL lines itself.
# Sourced by .ci/container.sh; uses log, pass, fail, start_container and remove_container.

runtime_image=localhost/datapunk-lake:ci
development_image=localhost/datapunk-lake:ci-dev
dockerfile_utils=$cache/npm/node_modules/.bin/dockerfile-utils

# The arguments every image build of this run shares: local base images, the local advisory
# source, and the host's CA bundle for the TLS proxy that NuGet is reached through here.
image_build_arguments() {
    build_arguments=(
        --format docker
        --build-arg "SDK_IMAGE=$local_sdk"
        --build-arg "RUNTIME_IMAGE=$local_aspnet"
        --build-arg "NUGET_AUDIT_SOURCE=$audit_source_url"
    )
    if [[ -s /etc/ssl/certs/ca-certificates.crt ]]; then
        build_arguments+=(--secret id=ca-bundle,src=/etc/ssl/certs/ca-certificates.crt)
    fi
}

check_dockerfile_lint() {
    check "Dockerfile lint (dockerfile-utils)" "$dockerfile_utils" lint "$repo/Dockerfile"
}

# Both compose files must pass the Compose schema and merge. docker-compose 1.29 from Debian
# validates and prints the merged file without an engine. The merged views must point at the
# right stages and publish only on 127.0.0.1.
check_compose_files() {
    local runtime_view development_view
    if ! runtime_view=$(cd "$repo" && docker-compose -f compose.yaml config 2>&1); then
        fail "compose.yaml parses"
        printf '%s\n' "$runtime_view" | tail -n 20 | sed 's/^/    /'
        return
    fi
    pass "compose.yaml parses"

    if ! development_view=$(cd "$repo" && docker-compose -f compose.yaml -f compose.development.yaml config 2>&1); then
        fail "compose.yaml + compose.development.yaml parse"
        printf '%s\n' "$development_view" | tail -n 20 | sed 's/^/    /'
        return
    fi
    pass "compose.yaml + compose.development.yaml parse"

    check "compose files: stages, ports on 127.0.0.1, volume, health check" /usr/bin/python3 - "$runtime_view" "$development_view" <<'EOF'
import sys, yaml
runtime = yaml.safe_load(sys.argv[1])["services"]["lake"]
development = yaml.safe_load(sys.argv[2])["services"]["lake"]
for service in (runtime, development):
    service["ports"] = [str(port).removesuffix("/tcp") for port in service["ports"]]
assert runtime["build"]["target"] == "runtime", runtime["build"]
assert development["build"]["target"] == "development", development["build"]
assert "127.0.0.1:8000:8000" in runtime["ports"], runtime["ports"]
assert "127.0.0.1:5678:5678" in development["ports"], development["ports"]
for port in runtime["ports"] + development["ports"]:
    assert str(port).startswith("127.0.0.1:"), f"port {port} is not bound to 127.0.0.1"
assert any(str(v).startswith("lake-data:/data") for v in runtime["volumes"]), runtime["volumes"]
assert any(str(v).split(":")[1:2] == ["/src/lake"] for v in development["volumes"]), development["volumes"]
health = runtime["healthcheck"]
assert (health["interval"], health["timeout"], health["start_period"], health["retries"]) == ("30s", "10s", "5s", 3), health
EOF
}

# Plants files under ignored paths in a copy of the working tree and builds a probe image that
# copies the whole context: none of the planted files may arrive, and the sources must.
check_dockerignore() {
    local context=$run_dir/ignore-context
    mkdir -p "$context"
    (cd "$repo" && git ls-files --cached --others --exclude-standard -z | xargs -0 cp --parents -t "$context" 2>/dev/null)

    local planted=(
        src/Datapunk.Lake/bin/Debug/planted.dll
        src/Datapunk.Lake.Server/obj/planted.json
        .git/planted
        tests/Datapunk.Lake.Tests/TestData/planted.json
        samples/planted.zip
        lake-data/lake.db
        .lake/blobs/planted
        .env
        secrets/planted.pem
        src/Datapunk.Lake.Server/appsettings.Production.local.json
    )
    local path
    for path in "${planted[@]}"; do
        mkdir -p "$context/$(dirname "$path")"
        echo "must not reach the build context" >"$context/$path"
    done

    cat >"$run_dir/ignore-probe.Containerfile" <<EOF
FROM $local_base
COPY . /context
RUN cd /context && find . -type f | sort
EOF
    local listing
    if ! listing=$(podman build --no-cache -f "$run_dir/ignore-probe.Containerfile" "$context" 2>&1); then
        fail ".dockerignore probe build"
        printf '%s\n' "$listing" | tail -n 20 | sed 's/^/    /'
        return
    fi

    local leaked=()
    for path in "${planted[@]}"; do
        grep -qxF "./$path" <<<"$listing" && leaked+=("$path")
    done
    if ((${#leaked[@]} > 0)); then
        fail ".dockerignore keeps planted files out of the build context (leaked: ${leaked[*]})"
    elif ! grep -qxF ./src/Datapunk.Lake.Server/Datapunk.Lake.Server.csproj <<<"$listing"; then
        fail ".dockerignore keeps the sources in the build context"
    else
        pass ".dockerignore keeps ${#planted[@]} planted files (bin, obj, .git, test data, data directories, secrets) out of the build context"
    fi
}

# Serves a NuGet advisory source on 127.0.0.1 that marks Newtonsoft.Json 13.0.1 (which the
# project does not use) and, for the transitive check, one version of SQLitePCLRaw.core.
start_advisory_source() {
    local root=$run_dir/advisories
    local port
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    audit_source_url=http://127.0.0.1:$port/index.json
    mkdir -p "$root/vulnerability"
    cat >"$root/index.json" <<EOF
{"version": "3.0.0", "resources": [{"@id": "http://127.0.0.1:$port/vulnerability/index.json", "@type": "VulnerabilityInfo/6.7.0"}]}
EOF
    cat >"$root/vulnerability/index.json" <<EOF
[{"@name": "base", "@id": "http://127.0.0.1:$port/vulnerability/base.json", "@updated": "2026-01-01T00:00:00Z"}]
EOF
    write_advisories "$root/vulnerability/base.json" ""
    python3 -m http.server "$port" --bind 127.0.0.1 --directory "$root" >"$run_dir/advisories.log" 2>&1 &
    audit_server_pid=$!
    advisory_root=$root

    local attempt
    for attempt in $(seq 1 50); do
        curl -fsS "$audit_source_url" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    return 1
}

# write_advisories FILE EXTRA: the advisory page, with EXTRA ("package": [...]) entries added.
write_advisories() {
    local file=$1 extra=$2
    cat >"$file" <<EOF
{
  "newtonsoft.json": [{"url": "https://advisories.invalid/DPL-CI-0001", "severity": 2, "versions": "[13.0.1, 13.0.1]"}]${extra:+,
  $extra}
}
EOF
}

build_runtime_image() {
    start_advisory_source || { log "advisory source did not start"; return 1; }
    image_build_arguments
    local begin=$(date +%s)
    log "building the runtime stage"
    podman build "${build_arguments[@]}" --target runtime -t "$runtime_image" "$repo" >"$run_dir/build-runtime.log" 2>&1 || {
        tail -n 40 "$run_dir/build-runtime.log" | sed 's/^/    /'
        return 1
    }
    runtime_build_seconds=$(($(date +%s) - begin))
}

build_development_image() {
    image_build_arguments
    local begin=$(date +%s)
    log "building the development stage"
    # No route to GitHub releases here, so the debugger download is switched off.
    podman build "${build_arguments[@]}" --build-arg INSTALL_DEBUGGER=false \
        --target development -t "$development_image" "$repo" >"$run_dir/build-development.log" 2>&1 || {
        tail -n 40 "$run_dir/build-development.log" | sed 's/^/    /'
        return 1
    }
    development_build_seconds=$(($(date +%s) - begin))
}

inspect() {
    podman image inspect --format "$2" "$1"
}

check_runtime_image() {
    local user exposed health size
    user=$(inspect "$runtime_image" '{{.Config.User}}')
    if [[ -n $user && $user != root && $user != 0 && $user != 0:* ]]; then
        pass "runtime image user is $user, not root"
    else
        fail "runtime image user is '$user'"
    fi

    exposed=$(inspect "$runtime_image" '{{range $port, $_ := .Config.ExposedPorts}}{{$port}} {{end}}')
    if [[ $exposed == *8000/tcp* ]]; then pass "runtime image exposes 8000 ($exposed)"; else fail "runtime image exposes '$exposed', not 8000/tcp"; fi

    # Durations are stored in nanoseconds.
    health=$(inspect "$runtime_image" '{{.Config.Healthcheck.Interval}} {{.Config.Healthcheck.Timeout}} {{.Config.Healthcheck.StartPeriod}} {{.Config.Healthcheck.Retries}}')
    if [[ $health == "30s 10s 5s 3" || $health == "30000000000 10000000000 5000000000 3" ]]; then
        pass "runtime image health check: interval 30s, timeout 10s, start period 5s, retries 3"
    else
        fail "runtime image health check is '$health'"
    fi

    size=$(inspect "$runtime_image" '{{.Size}}')
    pass "runtime image size: $((size / 1024 / 1024)) MiB ($size bytes)"

    check "runtime image has no SDK, sources or tests" podman run --rm --no-healthcheck --network none --entrypoint sh "$runtime_image" -c '
        test -z "$(dotnet --list-sdks)" || { echo "SDKs: $(dotnet --list-sdks)"; exit 1; }
        test ! -e /usr/share/dotnet/sdk || { echo "/usr/share/dotnet/sdk exists"; exit 1; }
        found=$(find / -xdev \( -name "*.cs" -o -name "*.csproj" -o -name "*.slnx" -o -name "*Tests.dll" \) -print 2>/dev/null | head -n 5)
        test -z "$found" || { echo "found: $found"; exit 1; }'

    check "runtime image: /app owned by 10001:10001 (app:datapunk) and not writable" podman run --rm --no-healthcheck --network none --entrypoint sh "$runtime_image" -c '
        test "$(id -un):$(id -gn)" = app:datapunk || { echo "runs as $(id -un):$(id -gn)"; exit 1; }
        test "$(stat -c %u:%g /app/lake.dll)" = 10001:10001 || { echo "lake.dll owned by $(stat -c %u:%g /app/lake.dll)"; exit 1; }
        if touch /app/probe 2>/dev/null; then echo "/app is writable"; exit 1; fi
        writable=$(find /app -perm /222 | head -n 5)
        test -z "$writable" || { echo "writable: $writable"; exit 1; }
        if sh -c "echo x >> /app/lake.dll" 2>/dev/null; then echo "lake.dll is writable"; exit 1; fi
        test -s /app/install-manifest.sha256 && test -s /usr/share/datapunk-lake/sbom.cdx.json'

    check "runtime image: SBOM is CycloneDX JSON listing the NuGet packages" sh -c "
        podman run --rm --no-healthcheck --network none --entrypoint cat '$runtime_image' /usr/share/datapunk-lake/sbom.cdx.json |
        python3 -c 'import json, sys; bom = json.load(sys.stdin); assert bom[\"bomFormat\"] == \"CycloneDX\"; names = {c[\"name\"] for c in bom[\"components\"]}; assert \"Microsoft.Data.Sqlite\" in names, names; print(len(names), \"components\")'"

    check "runtime image: 'lake verify --install' accepts the published files" \
        podman run --rm --no-healthcheck --network none --entrypoint lake "$runtime_image" verify --install
}

wait_until_healthy() {
    local id=$1 attempt
    for attempt in $(seq 1 60); do
        podman healthcheck run "$id" >/dev/null 2>&1 && return 0
        sleep 0.5
    done
    return 1
}

check_runtime_container() {
    local volume=datapunk-ci-data-$$
    local port
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    podman volume create "$volume" >/dev/null

    local id
    if ! start_container id -p "127.0.0.1:$port:8000" -v "$volume:/data" "$runtime_image"; then
        fail "runtime container starts"
        return
    fi
    local base=http://127.0.0.1:$port

    if wait_until_healthy "$id"; then
        pass "runtime container: podman healthcheck run reports healthy"
    else
        fail "runtime container: podman healthcheck run reports healthy"
        podman logs "$id" 2>&1 | tail -n 20 | sed 's/^/    /'
        remove_container "$id"
        return
    fi

    local uid
    uid=$(podman exec "$id" id -u)
    if [[ $uid != 0 && -n $uid ]]; then pass "runtime container: id -u is $uid"; else fail "runtime container: id -u is '$uid'"; fi

    check_import_through_api "$id" "$base" "$volume"

    check "runtime container: /metrics serves Prometheus text with request, import, record and blob figures" sh -c "
        sleep 1
        metrics=\$(curl -fsS '$base/metrics')
        for name in http_server_request_duration_seconds_count lake_imports lake_records lake_blobs_size_bytes; do
            printf '%s\n' \"\$metrics\" | grep -q \"^\$name\" || { echo \"missing \$name\"; exit 1; }
        done"

    check "runtime container: production logs are JSON lines" sh -c "
        podman logs '$id' 2>&1 | head -n 5 | python3 -c 'import json, sys; [json.loads(line) for line in sys.stdin if line.strip()]'"

    # The service user loses write access to the blob store: readiness must fail with a reason.
    podman exec --user 0 "$id" chmod 0555 /data/blobs /data/blobs/.tmp
    if podman healthcheck run "$id" >/dev/null 2>&1; then
        fail "runtime container: unwritable data directory turns health unhealthy"
    else
        local detail
        detail=$(curl -sS -w ' HTTP %{http_code}' "$base/health")
        if [[ $detail == *'HTTP 503' && $detail == *'"writable": false'* ]]; then
            pass "runtime container: unwritable data directory turns health unhealthy (503, blobStore writable false)"
        else
            fail "runtime container: /health after chmod: $detail"
        fi
    fi
    podman exec --user 0 "$id" chmod 0750 /data/blobs /data/blobs/.tmp

    remove_container "$id"
    podman volume rm -f "$volume" >/dev/null 2>&1 || true

    check_full_volume
}

# Builds a small Takeout zip with a Location History Records.json.
write_takeout_zip() {
    python3 - "$1" <<'EOF'
import json, sys, zipfile
locations = [
    {"latitudeE7": 525200000 + i, "longitudeE7": 134050000 + i, "accuracy": 10,
     "timestamp": f"2024-03-01T10:{i:02d}:00Z"}
    for i in range(20)
]
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as archive:
    archive.writestr("Takeout/Location History (Timeline)/Records.json", json.dumps({"locations": locations}))
EOF
}

check_import_through_api() {
    local id=$1 base=$2 volume=$3
    local archive=$run_dir/takeout.zip
    write_takeout_zip "$archive"
    local sha
    sha=$(sha256sum "$archive" | cut -d' ' -f1)

    # The data API takes a bearer token, made with the CLI inside the container as an operator would.
    local token
    token=$(podman exec "$id" lake token create --name container-ci --scope ingest --scope read 2>/dev/null)
    if [[ -z $token ]]; then
        fail "runtime container: 'lake token create' prints a token"
        return
    fi
    local auth=(-H "Authorization: Bearer $token")

    local response status import_id
    response=$(curl -sS -w '\n%{http_code}' -X POST "${auth[@]}" --data-binary "@$archive" -H 'Content-Type: application/zip' "$base/v1/imports?name=takeout.zip")
    status=$(tail -n 1 <<<"$response")
    import_id=$(head -n -1 <<<"$response" | python3 -c 'import json, sys; print(json.load(sys.stdin).get("id", ""))' 2>/dev/null)
    if [[ $status == 202 && -n $import_id ]]; then
        pass "runtime container: POST /v1/imports returns 202 with id $import_id"
    else
        fail "runtime container: POST /v1/imports returned $status: $(head -n -1 <<<"$response" | head -c 400)"
        return
    fi

    local state="" attempt
    for attempt in $(seq 1 60); do
        state=$(curl -fsS "${auth[@]}" "$base/v1/imports/$import_id" | python3 -c 'import json, sys; print(json.load(sys.stdin)["state"])' 2>/dev/null)
        [[ $state == Succeeded || $state == Failed || $state == Cancelled ]] && break
        sleep 0.5
    done
    if [[ $state == Succeeded ]]; then
        pass "runtime container: GET /v1/imports/$import_id reaches state Succeeded"
    else
        fail "runtime container: import $import_id ended in state '$state'"
        curl -sS "${auth[@]}" "$base/v1/imports/$import_id" | head -c 1000 | sed 's/^/    /'
    fi

    # The archive itself is a blob named by the SHA-256 of its plaintext, in the named volume on the
    # host. Blobs are encrypted at rest, so the bytes are compared through GET /v1/blobs/{sha256}.
    local mountpoint blob_files blob_path
    mountpoint=$(podman volume inspect --format '{{.Mountpoint}}' "$volume")
    blob_files=$(find "$mountpoint/blobs" -type f -not -path '*/.tmp/*' | wc -l)
    blob_path=$mountpoint/blobs/${sha:0:2}/${sha:2:2}/$sha
    if [[ -s $blob_path ]] && curl -fsS "${auth[@]}" "$base/v1/blobs/$sha" -o "$run_dir/blob-read-back" && cmp -s "$archive" "$run_dir/blob-read-back"; then
        pass "runtime container: the uploaded archive is a blob in the data volume and reads back unchanged ($blob_files blob files)"
    else
        fail "runtime container: blob $sha missing from volume $volume or not read back unchanged ($blob_files blob files)"
    fi
}

# A tiny tmpfs as the data directory, filled up by hand: free space falls below the minimum.
# The U option gives the tmpfs to the container's user, since podman copies the image's
# root-owned mode onto it otherwise.
check_full_volume() {
    local id
    if ! start_container id --tmpfs /data:rw,size=64m,U -e LAKE_HEALTH_MIN_FREE_DISK_MB=32 "$runtime_image"; then
        fail "runtime container with a 64 MiB data volume starts"
        return
    fi
    if ! wait_until_healthy "$id"; then
        fail "runtime container with a 64 MiB data volume is healthy before it fills"
        podman logs "$id" 2>&1 | tail -n 20 | sed 's/^/    /'
        remove_container "$id"
        return
    fi

    podman exec "$id" dd if=/dev/zero of=/data/filler bs=1M count=40 >/dev/null 2>&1
    local output
    output=$(podman exec "$id" /usr/local/bin/healthcheck.sh 8 2>&1)
    if [[ $? != 0 && $output == *disk* ]] && ! podman healthcheck run "$id" >/dev/null 2>&1; then
        pass "runtime container: filling a 64 MiB data volume turns health unhealthy ($output)"
    else
        fail "runtime container: full data volume still healthy: $output"
    fi
    remove_container "$id"
}

# Changes the last byte of a published DLL inside a throwaway container: 'lake verify --install'
# must name it, and 'lake serve' must refuse to start.
check_install_integrity_in_image() {
    local output
    output=$(podman run --rm --no-healthcheck --network none --user 0 --entrypoint sh "$runtime_image" -c '
        file=/app/Datapunk.Lake.dll
        chmod u+w "$file"
        size=$(stat -c %s "$file")
        last=$(od -An -tu1 -j $((size - 1)) -N 1 "$file" | tr -d " ")
        printf "\\$(printf %o $(((last + 1) % 256)))" | dd of="$file" bs=1 seek=$((size - 1)) conv=notrunc 2>/dev/null
        lake verify --install; echo "verify exit $?"
        timeout 30 lake serve; echo "serve exit $?"' 2>&1)

    if [[ $output == *"modified: Datapunk.Lake.dll"* && $output == *"verify exit 1"* ]]; then
        pass "install integrity: 'lake verify --install' detects one changed byte in Datapunk.Lake.dll"
    else
        fail "install integrity: verify output: $(tail -n 5 <<<"$output")"
    fi
    if [[ $output == *"Refusing to start"* && $output != *"serve exit 0"* && $output != *"serve exit 124"* ]]; then
        pass "install integrity: the production server refuses to start with a changed DLL"
    else
        fail "install integrity: serve output: $(tail -n 5 <<<"$output")"
    fi
}

check_development_image() {
    local exposed environment
    exposed=$(inspect "$development_image" '{{range $port, $_ := .Config.ExposedPorts}}{{$port}} {{end}}')
    if [[ $exposed == *5678/tcp* && $exposed == *8000/tcp* ]]; then pass "development image exposes 8000 and 5678 ($exposed)"; else fail "development image exposes '$exposed'"; fi

    environment=$(inspect "$development_image" '{{range .Config.Env}}{{.}} {{end}}')
    if [[ $environment == *ASPNETCORE_ENVIRONMENT=Development* && $environment == *LAKE_HEALTH_DETAIL=full* && $environment == *LAKE_LOG_LEVEL=Debug* ]]; then
        pass "development image environment: Development, full health detail, debug logs"
    else
        fail "development image environment: $environment"
    fi

    check "development image: dotnet-counters, dotnet-trace, dotnet-dump, dotnet-gcdump, localhost certificate" \
        podman run --rm --no-healthcheck --network none --entrypoint sh "$development_image" -c '
            for tool in dotnet-counters dotnet-trace dotnet-dump dotnet-gcdump; do "$tool" --version >/dev/null || exit 1; done
            openssl_subject=$(grep -c "BEGIN CERTIFICATE" /https/localhost.crt)
            test "$openssl_subject" -ge 1
            dotnet dev-certs https --check'
}

# Runs the development image over a mounted copy of the sources: dotnet watch builds and starts
# the server, which serves full health detail over HTTPS with the localhost certificate and logs
# human-readable lines. The host's CA bundle is mounted because restore inside the container
# reaches NuGet through this machine's TLS proxy.
check_development_container() {
    local sources=$run_dir/dev-sources
    mkdir -p "$sources"
    (cd "$repo" && git ls-files --cached --others --exclude-standard -z | xargs -0 cp --parents -t "$sources" 2>/dev/null)

    local port
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    local ca_mount=()
    if [[ -s /etc/ssl/certs/ca-certificates.crt ]]; then
        ca_mount=(-v /etc/ssl/certs/ca-certificates.crt:/etc/ssl/certs/ca-certificates.crt:ro)
    fi

    local id
    if ! start_container id -p "127.0.0.1:$port:8443" -v "$sources:/src/lake" "${ca_mount[@]}" "$development_image"; then
        fail "development container starts"
        return
    fi

    local detail="" attempt
    for attempt in $(seq 1 180); do
        detail=$(curl -sk --max-time 5 "https://127.0.0.1:$port/health" 2>/dev/null) && [[ -n $detail ]] && break
        sleep 1
    done
    if [[ $detail == *'"process"'* && $detail == *'"environment": "Development"'* ]]; then
        pass "development container: dotnet watch serves /health with full detail over HTTPS"
    else
        fail "development container: no full health detail over HTTPS after 180 s"
        podman logs "$id" 2>&1 | tail -n 20 | sed 's/^/    /'
        remove_container "$id"
        return
    fi

    # A saved change to a string literal in a method body is applied by hot reload, without a restart.
    sed -i 's/"The database responded to a query."/"The database responded to a query (hot reload)."/' \
        "$sources/src/Datapunk.Lake.Server/Health/DatabaseHealthCheck.cs"
    local reloaded=false
    for attempt in $(seq 1 90); do
        detail=$(curl -sk --max-time 5 "https://127.0.0.1:$port/health" 2>/dev/null)
        if [[ $detail == *'query (hot reload)'* ]]; then
            reloaded=true
            break
        fi
        sleep 1
    done
    if $reloaded; then
        pass "development container: a saved source change reaches the running server (dotnet watch)"
    else
        fail "development container: a saved source change did not reach the server within 90 s"
        podman logs "$id" 2>&1 | tail -n 10 | sed 's/^/    /'
    fi

    local subject
    subject=$(echo | openssl s_client -connect "127.0.0.1:$port" -servername localhost 2>/dev/null | openssl x509 -noout -subject 2>/dev/null)
    if [[ $subject == *CN*localhost* ]]; then pass "development container: HTTPS certificate is for localhost ($subject)"; else fail "development container: certificate subject '$subject'"; fi

    # The logs go to a variable first: with pipefail, grep -q closing the pipe early fails podman logs.
    local logs
    logs=$(podman logs "$id" 2>&1)
    if grep -q '^[0-9:.]* dbug: ' <<<"$logs"; then
        pass "development container: debug-level text logs"
    else
        fail "development container: no debug-level text log lines"
        tail -n 10 <<<"$logs" | sed 's/^/    /'
    fi
    remove_container "$id"
}

# Known-vulnerable packages fail the build: a direct one through the image build, and a
# transitive one through the same restore script on the host.
check_dependency_audit() {
    if [[ -z ${audit_source_url:-} ]]; then
        start_advisory_source || { fail "dependency audit: advisory source on 127.0.0.1 starts"; return; }
    fi
    image_build_arguments

    # 1. Direct: a copy of the build context whose server project references Newtonsoft.Json 13.0.1.
    local context=$run_dir/audit-context
    mkdir -p "$context"
    (cd "$repo" && git ls-files --cached --others --exclude-standard -z | xargs -0 cp --parents -t "$context" 2>/dev/null)
    sed -i 's|</ItemGroup>|  <PackageVersion Include="Newtonsoft.Json" Version="13.0.1" />\n  </ItemGroup>|' "$context/Directory.Packages.props"
    sed -i '0,/<PackageReference /s|<PackageReference |<PackageReference Include="Newtonsoft.Json" />\n    <PackageReference |' \
        "$context/src/Datapunk.Lake.Server/Datapunk.Lake.Server.csproj"

    local output
    if output=$(podman build "${build_arguments[@]}" --target build "$context" 2>&1); then
        fail "dependency audit: a build that adds vulnerable Newtonsoft.Json 13.0.1 fails"
    elif grep -q "NU1903.*Newtonsoft.Json" <<<"$output"; then
        pass "dependency audit: a build that adds vulnerable Newtonsoft.Json 13.0.1 fails ($(grep -m1 -o "NU1903[^[]*" <<<"$output" | head -c 160))"
    else
        fail "dependency audit: the build failed without naming Newtonsoft.Json"
        tail -n 20 <<<"$output" | sed 's/^/    /'
    fi

    # 2. Transitive: the project's own graph, with SQLitePCLRaw.core (reached only through
    # Microsoft.Data.Sqlite) marked as vulnerable at every version.
    write_advisories "$advisory_root/vulnerability/base.json" \
        '"sqlitepclraw.core": [{"url": "https://advisories.invalid/DPL-CI-0002", "severity": 1, "versions": "[0.0.1, )"}]'
    local restore_dir=$run_dir/audit-restore
    mkdir -p "$restore_dir/lake"
    (cd "$repo" && git ls-files --cached --others --exclude-standard -z -- src global.json Directory.Build.props Directory.Packages.props |
        xargs -0 cp --parents -t "$restore_dir/lake" 2>/dev/null)
    if output=$(cd "$restore_dir/lake" && NUGET_HTTP_CACHE_PATH=$restore_dir/http-cache NUGET_AUDIT_SOURCE=$audit_source_url \
        sh "$repo/deploy/restore-with-audit.sh" src/Datapunk.Lake.Server/Datapunk.Lake.Server.csproj 2>&1); then
        fail "dependency audit: a transitive vulnerable package (SQLitePCLRaw.core) fails the restore"
    elif grep -q "NU1902.*SQLitePCLRaw.core" <<<"$output"; then
        pass "dependency audit: a transitive vulnerable package fails the restore ($(grep -m1 -o "NU1902[^[]*" <<<"$output" | head -c 160))"
    else
        fail "dependency audit: the restore failed without naming SQLitePCLRaw.core"
        tail -n 20 <<<"$output" | sed 's/^/    /'
    fi
    write_advisories "$advisory_root/vulnerability/base.json" ""

    # 3. No data: an unreachable audit source must fail the restore unless the build opts out.
    if output=$(cd "$restore_dir/lake" && NUGET_HTTP_CACHE_PATH=$restore_dir/http-cache-2 NUGET_AUDIT_SOURCE=http://127.0.0.1:9/index.json \
        sh "$repo/deploy/restore-with-audit.sh" src/Datapunk.Lake.Server/Datapunk.Lake.Server.csproj 2>&1); then
        fail "dependency audit: an unreachable advisory source fails the restore (NU1900)"
    elif grep -q "NU1900" <<<"$output"; then
        pass "dependency audit: an unreachable advisory source fails the restore (NU1900)"
    else
        fail "dependency audit: unreachable advisory source failed without NU1900"
        tail -n 10 <<<"$output" | sed 's/^/    /'
    fi
    if output=$(cd "$restore_dir/lake" && NUGET_HTTP_CACHE_PATH=$restore_dir/http-cache-3 NUGET_AUDIT_OFFLINE=true NUGET_AUDIT_SOURCE=http://127.0.0.1:9/index.json \
        sh "$repo/deploy/restore-with-audit.sh" src/Datapunk.Lake.Server/Datapunk.Lake.Server.csproj 2>&1) && grep -q "warning NU1900" <<<"$output"; then
        pass "dependency audit: NUGET_AUDIT_OFFLINE=true turns NU1900 into a printed warning"
    else
        fail "dependency audit: NUGET_AUDIT_OFFLINE=true restore"
        tail -n 10 <<<"$output" | sed 's/^/    /'
    fi
}
