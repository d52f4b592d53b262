#!/bin/sh
# Restores a project with NuGet's dependency audit as a gate
# (usage: restore-with-audit.sh PROJECT [DOTNET-RESTORE-OPTIONS...]).
#
# - NU1901 to NU1904 (a known vulnerability of low, moderate, high or critical severity) are
#   errors for every package in the graph, direct or transitive.
# - NU1900 (vulnerability data could not be read) and NU1905 (no source provided any
#   vulnerability data) are errors too, so an audit that saw no data cannot pass. With
#   NUGET_AUDIT_OFFLINE=true they stay warnings and are printed in the build log: that is the
#   explicit opt-out for builds with no route to an advisory source.
# - NUGET_AUDIT_SOURCE is the advisory source: a NuGet V3 service index with a
#   VulnerabilityInfo resource, nuget.org by default. NuGet reports NU1905 only for a configured
#   audit source, never for a package source without advisories, so one is always configured.
#   Plain http is allowed for it because advisory mirrors on a private network often have no TLS.
set -eu

project=$1
shift
: "${NUGET_AUDIT_SOURCE:=https://api.nuget.org/v3/index.json}"

if [ -n "$NUGET_AUDIT_SOURCE" ]; then
    insecure=false
    case $NUGET_AUDIT_SOURCE in
        http://*) insecure=true ;;
    esac

    # NuGet merges every nuget.config from the project folder up to the file system root, and
    # audit sources can only be set there (the SDK has no MSBuild property for them). Writing
    # one above the repository copy adds the source without touching the repository's own.
    config_dir=$(dirname "$(pwd)")
    cat >"$config_dir/nuget.config" <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <auditSources>
    <add key="build-advisories" value="$NUGET_AUDIT_SOURCE" allowInsecureConnections="$insecure" />
  </auditSources>
</configuration>
CONFIG
    echo "dependency audit: advisory source $NUGET_AUDIT_SOURCE"
fi

# The MSBuild settings live in nuget-audit.props beside this script.
props=$(cd "$(dirname "$0")" && pwd)/nuget-audit.props
offline=false
if [ "${NUGET_AUDIT_OFFLINE:-false}" = true ]; then
    echo "dependency audit: NUGET_AUDIT_OFFLINE=true, so missing vulnerability data (NU1900, NU1905) is only a warning"
    offline=true
fi

dotnet restore "$project" \
    "-p:CustomBeforeMicrosoftCommonProps=$props" \
    "-p:NuGetAuditOffline=$offline" \
    "$@"
