using System.Buffers;
using System.Text.Json;

namespace Datapunk.Lake.Bench;

/// <summary>
/// The ceiling for a JSON importer: one pass of <see cref="Utf8JsonReader"/> over a Records.json that counts
/// the items of the <c>locations</c> array and does nothing else. Optionally it writes each item as one
/// line of compact JSON, the input that <c>sqlite-utils insert --nl</c> reads.
/// </summary>
public static class BareScan
{
    private const int BufferSize = 1 << 20;

    public static long Run(Stream input, Stream? ndjson)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        var state = new JsonReaderState(new JsonReaderOptions { MaxDepth = 64 });
        using var writer = ndjson is null ? null : new Utf8JsonWriter(ndjson, new JsonWriterOptions { SkipValidation = true });
        long items = 0;
        var kept = 0;
        var final = false;
        try
        {
            while (!final)
            {
                var read = input.Read(buffer, kept, buffer.Length - kept);
                final = read == 0;
                var reader = new Utf8JsonReader(buffer.AsSpan(0, kept + read), final, state);
                while (reader.Read())
                {
                    // Items of "locations" open at depth 2: root object (0), the array (1), the item (2).
                    if (reader.TokenType == JsonTokenType.StartObject && reader.CurrentDepth == 2)
                    {
                        items++;
                    }

                    if (writer is not null && reader.CurrentDepth >= 2)
                    {
                        Copy(ref reader, writer, ndjson!);
                    }
                }

                state = reader.CurrentState;
                var consumed = (int)reader.BytesConsumed;
                kept = kept + read - consumed;
                Buffer.BlockCopy(buffer, consumed, buffer, 0, kept);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return items;
    }

    private static void Copy(ref Utf8JsonReader reader, Utf8JsonWriter writer, Stream output)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                writer.WriteStartObject();
                break;
            case JsonTokenType.EndObject:
                writer.WriteEndObject();
                if (reader.CurrentDepth == 2)
                {
                    writer.Flush();
                    output.WriteByte((byte)'\n');
                    writer.Reset();
                }

                break;
            case JsonTokenType.StartArray:
                writer.WriteStartArray();
                break;
            case JsonTokenType.EndArray:
                writer.WriteEndArray();
                break;
            case JsonTokenType.PropertyName:
                writer.WritePropertyName(reader.GetString()!);
                break;
            case JsonTokenType.String:
                writer.WriteStringValue(reader.GetString());
                break;
            case JsonTokenType.Number:
                writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true);
                break;
            case JsonTokenType.True or JsonTokenType.False:
                writer.WriteBooleanValue(reader.GetBoolean());
                break;
            case JsonTokenType.Null:
                writer.WriteNullValue();
                break;
        }
    }
}
