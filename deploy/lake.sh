#!/bin/sh
# The `lake` command inside the runtime image, e.g. `podman exec CONTAINER lake verify --install`.
exec dotnet /app/lake.dll "$@"
