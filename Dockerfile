# Datapunk Lake container image. Stages:
#   build        restore with a dependency audit, CycloneDX SBOM, Release publish, SHA-256 manifest
#   development  SDK image with `dotnet watch`, diagnostics tools, a debugger on port 5678
#   runtime      the published app on the ASP.NET runtime image, as user app (uid 10001)
# docs/container.md lists every build argument and how to use each stage.

# Base images. An offline build passes local images with --build-arg.
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0

# ---------------------------------------------------------------------------------------------
FROM ${SDK_IMAGE} AS build

# true: missing vulnerability data (NU1900, NU1905) is a warning, not an error. Known
# vulnerabilities (NU1901 to NU1904) fail the build either way.
ARG NUGET_AUDIT_OFFLINE=false
# Advisory source: a NuGet V3 service index with a VulnerabilityInfo resource.
ARG NUGET_AUDIT_SOURCE=https://api.nuget.org/v3/index.json
ARG CYCLONEDX_VERSION=6.3.1
ARG LAKE_VERSION=0.1.0
# Set by the builder from --platform (amd64 or arm64); the publish keeps only that platform's native
# libraries, which saves about 240 MB of ONNX Runtime builds for other systems.
ARG TARGETARCH

ENV DOTNET_NOLOGO=1 \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    NUGET_PACKAGES=/root/.nuget/packages

WORKDIR /src/lake

# Project files first, so the restore layer is reused until a dependency changes.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Datapunk.Lake/Datapunk.Lake.csproj src/Datapunk.Lake/
COPY src/Datapunk.Lake.Server/Datapunk.Lake.Server.csproj src/Datapunk.Lake.Server/
COPY deploy/with-extra-ca.sh deploy/restore-with-audit.sh deploy/nuget-audit.props deploy/write-install-manifest.sh /usr/local/bin/

RUN case "${TARGETARCH:-amd64}" in \
        amd64) echo linux-x64 ;; \
        arm64) echo linux-arm64 ;; \
        *) echo "unsupported TARGETARCH '$TARGETARCH': use amd64 or arm64" >&2; exit 1 ;; \
    esac >/tmp/runtime-identifier

RUN --mount=type=secret,id=ca-bundle,required=false \
    NUGET_AUDIT_OFFLINE="$NUGET_AUDIT_OFFLINE" NUGET_AUDIT_SOURCE="$NUGET_AUDIT_SOURCE" \
    with-extra-ca.sh restore-with-audit.sh src/Datapunk.Lake.Server/Datapunk.Lake.Server.csproj \
        --runtime "$(cat /tmp/runtime-identifier)"

RUN --mount=type=secret,id=ca-bundle,required=false \
    with-extra-ca.sh dotnet tool install --tool-path /opt/build-tools CycloneDX --version "$CYCLONEDX_VERSION"

COPY src/ src/

RUN dotnet publish src/Datapunk.Lake.Server/Datapunk.Lake.Server.csproj \
        --configuration Release --no-restore --output /app \
        --runtime "$(cat /tmp/runtime-identifier)" --self-contained false \
        -p:Version="$LAKE_VERSION" -p:DebugType=none -p:GenerateDocumentationFile=false \
    && write-install-manifest.sh /app \
    && chmod -R a-w /app

# The SBOM lists every NuGet package that the published app was restored with.
RUN /opt/build-tools/dotnet-CycloneDX src/Datapunk.Lake.Server/Datapunk.Lake.Server.csproj \
        --recursive --disable-package-restore --output-format Json \
        --set-name datapunk-lake --set-version "$LAKE_VERSION" \
        --output /sbom --filename datapunk-lake.cdx.json

# ---------------------------------------------------------------------------------------------
FROM ${SDK_IMAGE} AS development

# false skips the netcoredbg download (an offline build has no route to GitHub releases).
ARG INSTALL_DEBUGGER=true
ARG NETCOREDBG_URL=https://github.com/Samsung/netcoredbg/releases/download/3.1.2-1054/netcoredbg-linux-amd64.tar.gz
ARG DIAGNOSTICS_TOOLS_VERSION=10.0.750501

ENV DOTNET_NOLOGO=1 \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    PATH=/opt/dotnet-tools:/opt/netcoredbg:$PATH

COPY deploy/with-extra-ca.sh /usr/local/bin/

RUN --mount=type=secret,id=ca-bundle,required=false \
    for tool in dotnet-counters dotnet-trace dotnet-dump dotnet-gcdump; do \
        with-extra-ca.sh dotnet tool install --tool-path /opt/dotnet-tools "$tool" --version "$DIAGNOSTICS_TOOLS_VERSION" || exit 1; \
    done

RUN --mount=type=secret,id=ca-bundle,required=false \
    if [ "$INSTALL_DEBUGGER" = true ]; then \
        with-extra-ca.sh curl --fail --silent --show-error --location "$NETCOREDBG_URL" -o /tmp/netcoredbg.tar.gz \
        && tar -xzf /tmp/netcoredbg.tar.gz -C /opt \
        && rm /tmp/netcoredbg.tar.gz \
        && /opt/netcoredbg/netcoredbg --version; \
    else \
        echo "INSTALL_DEBUGGER=$INSTALL_DEBUGGER: netcoredbg not installed"; \
    fi

# A development certificate for localhost, made at build time: Kestrel finds it in the user
# store, and the public part is exported so the host can trust it.
RUN mkdir -p /https \
    && dotnet dev-certs https \
    && dotnet dev-certs https --export-path /https/localhost.crt --format PEM --no-password

WORKDIR /src/lake

# The sources in the image let the stage start without a mount and keep the packages restored;
# a mounted source tree (compose.development.yaml) replaces them.
COPY --from=build /root/.nuget/packages /root/.nuget/packages
COPY . .
COPY deploy/dev-entrypoint.sh /usr/local/bin/

ENV ASPNETCORE_ENVIRONMENT=Development \
    DOTNET_ENVIRONMENT=Development \
    DOTNET_USE_POLLING_FILE_WATCHER=true \
    DOTNET_WATCH_RESTART_ON_RUDE_EDIT=true \
    LAKE_DATA_DIR=/data \
    LAKE_HOST=0.0.0.0 \
    LAKE_PORT=8000 \
    LAKE_HTTPS_PORT=8443 \
    LAKE_LOG_FORMAT=text \
    LAKE_LOG_LEVEL=Debug \
    LAKE_HEALTH_DETAIL=full \
    LAKE_VERIFY_INSTALL=warn \
    LAKE_DEBUGGER_PORT=5678

VOLUME ["/data"]
EXPOSE 8000 8443 5678
ENTRYPOINT ["dev-entrypoint.sh"]

# ---------------------------------------------------------------------------------------------
FROM ${RUNTIME_IMAGE} AS runtime

ARG APP_UID=10001
ARG APP_GID=10001

# The public image already has a user "app" (uid 1654); it is moved to the fixed uid and the
# group datapunk here, so volumes prepared on the host can use the documented numbers.
RUN set -eu; \
    groupadd --gid "$APP_GID" datapunk; \
    if id app >/dev/null 2>&1; then \
        usermod --uid "$APP_UID" --gid "$APP_GID" --home /app app; \
    else \
        useradd --uid "$APP_UID" --gid "$APP_GID" --home-dir /app --no-create-home --shell /usr/sbin/nologin app; \
    fi; \
    mkdir -p /data; \
    chown app:datapunk /data; \
    chmod 0750 /data

COPY --from=build --chown=app:datapunk /app /app
# COPY creates /app itself with mode 0755; the files inside keep the build stage's read-only modes.
RUN chmod 0555 /app
COPY --from=build --chown=app:datapunk /sbom/datapunk-lake.cdx.json /usr/share/datapunk-lake/sbom.cdx.json
COPY --chown=app:datapunk --chmod=0555 scripts/healthcheck.sh /usr/local/bin/healthcheck.sh
COPY --chown=app:datapunk --chmod=0555 deploy/lake.sh /usr/local/bin/lake

ENV ASPNETCORE_ENVIRONMENT=Production \
    ASPNETCORE_HTTP_PORTS= \
    APP_UID=$APP_UID \
    LAKE_DATA_DIR=/data \
    LAKE_HOST=0.0.0.0 \
    LAKE_PORT=8000 \
    LAKE_LOG_FORMAT=json \
    LAKE_VERIFY_INSTALL=enforce

WORKDIR /app
VOLUME ["/data"]
EXPOSE 8000
USER $APP_UID:$APP_GID

HEALTHCHECK --interval=30s --timeout=10s --start-period=5s --retries=3 \
    CMD ["/usr/local/bin/healthcheck.sh", "8"]

ENTRYPOINT ["dotnet", "/app/lake.dll"]
CMD ["serve"]
