using System.Text.Json;
using System.Text.Json.Nodes;
using Datapunk.Lake.Ingestion.Json;

namespace Datapunk.Lake.Ingestion.Google.LocationHistory;

/// <summary>Helpers that fill record attributes from the loosely typed JSON of the location exports.</summary>
internal static class LocationAttributes
{
    /// <summary>Copies a string, number or boolean property as it is, so a number given as a string stays a string.</summary>
    public static void CopyScalar(JsonElement source, JsonObject target, string name, string? targetName = null)
    {
        if (source.ValueKind != JsonValueKind.Object || !source.TryGetProperty(name, out var value))
        {
            return;
        }

        JsonNode? node = value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt64(out var integer) => JsonValue.Create(integer),
            JsonValueKind.Number => JsonValue.Create(value.GetDouble()),
            JsonValueKind.String => JsonValue.Create(value.GetString()),
            JsonValueKind.True or JsonValueKind.False => JsonValue.Create(value.GetBoolean()),
            _ => null,
        };

        if (node is not null)
        {
            target[targetName ?? name] = node;
        }
    }

    /// <summary>Copies a string property.</summary>
    public static void CopyString(JsonElement source, JsonObject target, string name, string? targetName = null)
    {
        if (source.GetStringOrNull(name) is { } text)
        {
            target[targetName ?? name] = text;
        }
    }

    /// <summary>Copies a number, also one given as a string (as the iOS export does), as a JSON number.</summary>
    public static void CopyNumber(JsonElement source, JsonObject target, string name, string? targetName = null)
    {
        if (source.GetDoubleOrNull(name) is { } number)
        {
            target[targetName ?? name] = number;
        }
    }

    public static JsonObject Point(double latitude, double longitude) => new()
    {
        ["latitude"] = latitude,
        ["longitude"] = longitude,
    };
}
