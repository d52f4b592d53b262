using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Datapunk.Lake.Ingestion.Google.LocationHistory;

/// <summary>
/// Writes the attributes of Records.json items as JSON text with one <see cref="Utf8JsonWriter"/> and buffer for a
/// whole file, instead of a <see cref="System.Text.Json.Nodes.JsonObject"/> per item.
/// </summary>
/// <remarks>
/// The text is the same as <c>JsonObject.ToJsonString()</c> gave for these attributes: the copied fields in a fixed
/// order, then <c>activity</c>, with the default encoder (which escapes non-ASCII letters and HTML characters such
/// as <c>+</c> and <c>&lt;</c>).
/// </remarks>
internal sealed class RecordsJsonAttributeWriter : IDisposable
{
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Utf8JsonWriter _writer;

    public RecordsJsonAttributeWriter()
    {
        _writer = new Utf8JsonWriter(_buffer);
    }

    /// <summary>Returns the attributes of the item as a JSON object, or null when it has none.</summary>
    public string? Write(RecordsJsonItem item)
    {
        var activities = item.Activities is { Count: > 0 } list ? list : null;
        if (activities is null && item.Copied.All(value => value is null))
        {
            return null;
        }

        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        _writer.WriteStartObject();
        for (var i = 0; i < RecordsJsonItem.CopiedNames.Length; i++)
        {
            switch (item.Copied[i])
            {
                case string text:
                    _writer.WriteString(RecordsJsonItem.CopiedNames[i], text);
                    break;
                case long integer:
                    _writer.WriteNumber(RecordsJsonItem.CopiedNames[i], integer);
                    break;
                case double real:
                    _writer.WriteNumber(RecordsJsonItem.CopiedNames[i], real);
                    break;
                case bool flag:
                    _writer.WriteBoolean(RecordsJsonItem.CopiedNames[i], flag);
                    break;
            }
        }

        if (activities is not null)
        {
            WriteActivities(activities);
        }

        _writer.WriteEndObject();
        _writer.Flush();
        return Encoding.UTF8.GetString(_buffer.WrittenSpan);
    }

    public void Dispose() => _writer.Dispose();

    private void WriteActivities(List<RecordsJsonItem.ActivityEntry> activities)
    {
        _writer.WriteStartArray("activity");
        foreach (var entry in activities)
        {
            _writer.WriteStartObject();
            if (RecordsJsonImporter.ReadTime(entry.Timestamp, entry.TimestampMs) is { } time)
            {
                _writer.WriteString("time", GoogleTime.Format(time.Time));
            }
            else
            {
                _writer.WriteNull("time");
            }

            _writer.WriteStartArray("guesses");
            foreach (var (type, confidence) in entry.Guesses)
            {
                _writer.WriteStartObject();
                if (type is null)
                {
                    _writer.WriteNull("type");
                }
                else
                {
                    _writer.WriteString("type", type);
                }

                if (confidence is { } value)
                {
                    _writer.WriteNumber("confidence", value);
                }
                else
                {
                    _writer.WriteNull("confidence");
                }

                _writer.WriteEndObject();
            }

            _writer.WriteEndArray();
            _writer.WriteEndObject();
        }

        _writer.WriteEndArray();
    }
}
