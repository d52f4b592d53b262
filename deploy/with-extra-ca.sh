#!/bin/sh
# Runs a command that reaches the network (NuGet, downloads) with an extra CA bundle trusted,
# for builds behind a TLS-inspecting proxy. The bundle comes from the build secret
# "ca-bundle" (podman/docker build --secret id=ca-bundle,src=FILE), which is mounted for one
# RUN step only, and the combined bundle is deleted before the step ends, so no image layer
# keeps either of them. Without the secret the command runs unchanged.
set -eu

extra=/run/secrets/ca-bundle
if [ ! -s "$extra" ]; then
    exec "$@"
fi

system_bundle=/etc/ssl/certs/ca-certificates.crt
combined=$(mktemp /tmp/ca-bundle.XXXXXX)
trap 'rm -f "$combined"' EXIT
if [ -f "$system_bundle" ]; then
    cat "$system_bundle" >"$combined"
fi
cat "$extra" >>"$combined"

# OpenSSL, and .NET on Linux through it, read SSL_CERT_FILE; curl reads CURL_CA_BUNDLE.
SSL_CERT_FILE=$combined CURL_CA_BUNDLE=$combined "$@"
