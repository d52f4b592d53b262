#!/bin/sh
# Entry point of the development stage. Starts netcoredbg as a debug adapter server on
# LAKE_DEBUGGER_PORT when the image has it and the port is set. Then runs the given command, or
# by default `dotnet watch` over the source tree in /src/lake, which rebuilds and hot-reloads the
# server on every saved change.
set -eu

if [ -n "${LAKE_DEBUGGER_PORT:-}" ] && command -v netcoredbg >/dev/null 2>&1; then
    # netcoredbg serves one editor session per start, so it is started again when a session ends.
    (
        while true; do
            netcoredbg --interpreter=vscode --server="$LAKE_DEBUGGER_PORT" || true
            sleep 1
        done
    ) &
    echo "dev-entrypoint: netcoredbg listens on port $LAKE_DEBUGGER_PORT"
elif [ -n "${LAKE_DEBUGGER_PORT:-}" ]; then
    echo "dev-entrypoint: netcoredbg is not installed (built with INSTALL_DEBUGGER=false), so port $LAKE_DEBUGGER_PORT is closed"
fi

if [ "$#" -gt 0 ]; then
    exec "$@"
fi

exec dotnet watch --non-interactive --project src/Datapunk.Lake.Server/Datapunk.Lake.Server.csproj run -- serve
