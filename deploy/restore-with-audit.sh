#!/bin/sh
# Restores a project with NuGet's dependency audit as a gate (usage: restore-with-audit.sh PROJECT).
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

# %3B is an escaped ';' so MSBuild does not split the value into separate properties.
known_vulnerabilities='NU1901%3BNU1902%3BNU1903%3BNU1904'
if [ "${NUGET_AUDIT_OFFLINE:-false}" = true ]; then
    echo "dependency audit: NUGET_AUDIT_OFFLINE=true, so missing vulnerability data (NU1900, NU1905) is only a warning"
    errors=$known_vulnerabilities
    not_errors='NU1900%3BNU1905'
else
    errors="NU1900%3B$known_vulnerabilities%3BNU1905"
    not_errors=''
fi

dotnet restore "$project" \
    -p:NuGetAudit=true \
    -p:NuGetAuditMode=all \
    -p:NuGetAuditLevel=low \
    "-p:WarningsAsErrors=$errors" \
    "-p:WarningsNotAsErrors=$not_errors"
