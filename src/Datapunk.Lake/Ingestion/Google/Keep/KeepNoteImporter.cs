using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Datapunk.Lake.Ingestion.Json;
using Datapunk.Lake.Records;

namespace Datapunk.Lake.Ingestion.Google.Keep;

/// <summary>Google Keep notes: one JSON object per note (<c>Takeout/Keep/Note title.json</c>).</summary>
/// <remarks>
/// Fields: <c>title</c>, <c>textContent</c> or <c>listContent</c> (<c>[{text, isChecked}]</c>), <c>color</c>,
/// <c>isTrashed</c>, <c>isPinned</c>, <c>isArchived</c>, <c>labels</c> (<c>[{name}]</c>), <c>annotations</c>
/// (links: <c>[{description, source, title, url}]</c>), <c>attachments</c> (<c>[{filePath, mimetype}]</c>, files beside
/// the note), <c>sharees</c> (<c>[{isOwner, type, email}]</c>), and the times <c>createdTimestampUsec</c> and
/// <c>userEditedTimestampUsec</c> in microseconds since the epoch.
/// The record's text is <c>textContent</c>, or the checklist as lines <c>[x] item</c> / <c>[ ] item</c>.
///
/// Merge key: <c>createdTimestampUsec</c>, '/', and the title. Takeout gives a note no id, and its file name is made
/// from the title, so the creation time (set once, kept through edits) is the stable part. The title keeps apart two
/// notes created in the same microsecond, such as notes made by a script or an import into Keep.
/// NOTE: a note renamed between two exports becomes a second record, and a note edited between two exports keeps
/// the text of the first import, because the store ignores a record whose id it already holds.
/// </remarks>
public sealed class KeepNoteImporter : IFormatImporter
{
    public string Format => "google.keep.note";

    public int Version => 1;

    public string Description => "Google Keep notes (one JSON file per note)";

    public string ExamplePath => "Takeout/Keep/Shopping list.json";

    public bool CanRead(FileSniff sniff) =>
        sniff.Json.IsObject
        && (sniff.Json.Has("textContent") || sniff.Json.Has("listContent"))
        && (sniff.Json.Has("createdTimestampUsec") || sniff.Json.Has("userEditedTimestampUsec") || sniff.Json.Has("isTrashed") || sniff.Json.Has("isPinned"));

    public IEnumerable<RecordDraft> Read(Stream content, ImportFileContext context)
    {
        using var document = SmallJsonDocument.Parse(content, "a Google Keep note");
        var note = document.RootElement;
        if (note.ValueKind != JsonValueKind.Object)
        {
            throw new ImportFormatException("A Google Keep note must be a JSON object.", "/");
        }

        var createdUsec = note.GetInt64OrNull("createdTimestampUsec");
        var editedUsec = note.GetInt64OrNull("userEditedTimestampUsec");
        var created = FromMicroseconds(createdUsec, "/createdTimestampUsec");
        var edited = FromMicroseconds(editedUsec, "/userEditedTimestampUsec");
        var start = created ?? edited
            ?? throw new ImportFormatException("The note has neither 'createdTimestampUsec' nor 'userEditedTimestampUsec'.", "/createdTimestampUsec");

        var title = note.GetStringOrNull("title") ?? "";
        var attributes = new JsonObject();
        foreach (var name in new[] { "color" })
        {
            if (note.GetStringOrNull(name) is { Length: > 0 } value)
            {
                attributes[name] = value;
            }
        }

        foreach (var name in new[] { "isTrashed", "isPinned", "isArchived" })
        {
            if (note.TryGetProperty(name, out var flag) && flag.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                attributes[name] = flag.GetBoolean();
            }
        }

        if (created is { } createdTime)
        {
            attributes["created"] = GoogleTime.Format(createdTime);
        }

        if (edited is { } editedTime)
        {
            attributes["edited"] = GoogleTime.Format(editedTime);
        }

        var labels = new JsonArray();
        foreach (var label in note.GetArrayItems("labels"))
        {
            if (label.GetStringOrNull("name") is { Length: > 0 } labelName)
            {
                labels.Add(labelName);
            }
        }

        if (labels.Count > 0)
        {
            attributes["labels"] = labels;
        }

        var text = note.GetStringOrNull("textContent");
        if (note.TryGetProperty("listContent", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            var (checklist, items) = ReadChecklist(list);
            attributes["listContent"] = items;
            text = string.IsNullOrEmpty(text) ? checklist : text + "\n" + checklist;
        }

        foreach (var name in new[] { "annotations", "attachments", "sharees" })
        {
            if (note.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0)
            {
                attributes[name] = JsonNode.Parse(value.GetRawText());
            }
        }

        var key = createdUsec ?? editedUsec!.Value;
        yield return new RecordDraft
        {
            Dataset = GoogleDatasets.Keep(context.Account),
            Kind = RecordKinds.Note,
            MergeKey = string.Create(CultureInfo.InvariantCulture, $"{key}/{title}"),
            Start = start,
            StartOffsetKnown = false,
            Title = title.Length > 0 ? title : null,
            Text = string.IsNullOrEmpty(text) ? null : text,
            Attributes = attributes,
            Pointer = "/",
            ByteOffset = 0,
        };
    }

    private static (string Text, JsonArray Items) ReadChecklist(JsonElement list)
    {
        var text = new StringBuilder();
        var items = new JsonArray();
        foreach (var item in list.EnumerateArray())
        {
            var itemText = item.GetStringOrNull("text") ?? "";
            var isChecked = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("isChecked", out var flag) && flag.ValueKind == JsonValueKind.True;
            if (text.Length > 0)
            {
                text.Append('\n');
            }

            text.Append(isChecked ? "[x] " : "[ ] ").Append(itemText);
            items.Add(new JsonObject { ["text"] = itemText, ["isChecked"] = isChecked });
        }

        return (text.ToString(), items);
    }

    /// <summary>Converts microseconds since the epoch; a value outside the years 1 to 9999 breaks the format.</summary>
    private static DateTimeOffset? FromMicroseconds(long? microseconds, string pointer)
    {
        if (microseconds is not { } value)
        {
            return null;
        }

        const long MinMicroseconds = -62_135_596_800_000_000L;
        const long MaxMicroseconds = 253_402_300_799_999_999L;
        if (value is < MinMicroseconds or > MaxMicroseconds)
        {
            throw new ImportFormatException(
                string.Create(CultureInfo.InvariantCulture, $"'{pointer[1..]}' is {value} microseconds, outside the years 1 to 9999."),
                pointer);
        }

        return DateTimeOffset.UnixEpoch.AddTicks(value * 10);
    }
}
