using System.Globalization;
using Datapunk.Lake.Ingestion.Json;

namespace Datapunk.Lake.Ingestion.Google.LocationHistory;

/// <summary>The dataset and the byte offset of the array item being read, for its records and its errors.</summary>
internal sealed record ItemPosition(string Dataset, JsonStreamReader Reader, long ItemOffset)
{
    /// <summary>Creates the error for a broken value, placed by its JSON pointer and the offset of its item.</summary>
    public ImportFormatException Error(string message, string pointer) =>
        new(message, string.Create(CultureInfo.InvariantCulture, $"{pointer} (item at {Reader.PositionAt(ItemOffset)})"));
}
