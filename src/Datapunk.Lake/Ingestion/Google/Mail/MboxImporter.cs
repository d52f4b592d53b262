using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Datapunk.Lake.Records;
using MimeKit;

namespace Datapunk.Lake.Ingestion.Google.Mail;

/// <summary>
/// Gmail's mbox export (<c>Takeout/Mail/All mail Including Spam and Trash.mbox</c>): one <c>message</c> record per
/// message, parsed by MimeKit's <see cref="MimeParser"/> in mbox mode, one message at a time, so memory grows with the
/// largest message and not with the file.
/// </summary>
/// <remarks>
/// <para>Dataset: <c>google/mail/ACCOUNT</c>. Start: the Date header with its offset; without a valid one, the date of
/// the mbox <c>From </c> line; without that, the Unix epoch with the offset unknown and <c>dateMissing=true</c>.
/// Title: Subject. Text: the text/plain body, or the text/html body reduced to text, with mboxrd <c>&gt;From </c>
/// quoting undone. Attributes: from, to, cc, messageId, inReplyTo, threadId (<c>X-GM-THRID</c>), labels
/// (<c>X-Gmail-Labels</c>) and attachments (file name, media type, size and the SHA-256 of the blob that keeps its
/// decoded bytes).</para>
/// <para>Merge key: the Message-ID without angle brackets; for a message without one,
/// <c>hash:</c> and the first 32 hex digits of the SHA-256 of the raw Date, From and Subject headers.</para>
/// <para>A file that ends inside its last message (no final line break, or a multipart without its closing
/// boundary in the last <see cref="TailStream.TailLength"/> bytes) fails as a whole: the engine keeps a file's records
/// all or none, and a message cut in half would be imported as if whole.</para>
/// </remarks>
public sealed partial class MboxImporter : IFormatImporter
{
    public string Format => "google.mail.mbox";

    public int Version => 1;

    public string Description => "Gmail messages (mbox), with attachments stored as blobs";

    public string ExamplePath => "Takeout/Mail/All mail Including Spam and Trash.mbox";

    /// <summary>True when the file starts with an mbox <c>From </c> line followed by a header line.</summary>
    public bool CanRead(FileSniff sniff)
    {
        var head = sniff.Head.Span;
        if (!head.StartsWith("From "u8))
        {
            return false;
        }

        var firstEnd = head.IndexOf((byte)'\n');
        if (firstEnd < 0)
        {
            return false;
        }

        var second = head[(firstEnd + 1)..];
        var colon = second.IndexOf((byte)':');
        if (colon <= 0)
        {
            return false;
        }

        foreach (var b in second[..colon])
        {
            // RFC 5322 field names are printable ASCII without the colon.
            if (b is < 33 or > 126)
            {
                return false;
            }
        }

        return true;
    }

    public IEnumerable<RecordDraft> Read(Stream content, ImportFileContext context)
    {
        var dataset = GoogleDatasets.Mail(context.Account);
        var tail = new TailStream(content);
        var parser = new MimeParser(tail, MimeFormat.Mbox, persistent: false);
        (RecordDraft Record, string? Boundary)? pending = null;
        var index = 0;

        while (!parser.IsEndOfStream)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            MimeMessage message;
            try
            {
                message = parser.ParseMessage(context.CancellationToken);
            }
            catch (FormatException exception)
            {
                throw new ImportFormatException($"Message {index} is not a valid mbox message: {exception.Message}", $"message {index}, near byte {parser.Position}", exception);
            }

            if (pending is { } previous)
            {
                yield return previous.Record;
            }

            var record = ToRecord(message, index, parser.MboxMarkerOffset, parser.MboxMarker, dataset, context);
            pending = (record, (message.Body as Multipart)?.Boundary);
            index++;
        }

        if (pending is { } last)
        {
            CheckComplete(last.Record, last.Boundary, tail);
            yield return last.Record;
        }
    }

    private static void CheckComplete(RecordDraft last, string? boundary, TailStream tail)
    {
        var end = tail.Tail();
        string? reason = null;
        if (end.Length > 0 && end[^1] != (byte)'\n')
        {
            reason = "the file does not end with a line break";
        }
        else if (boundary is not null && end.AsSpan().IndexOf(Encoding.ASCII.GetBytes("--" + boundary + "--")) < 0)
        {
            reason = $"its multipart body has no closing boundary '--{boundary}--'";
        }

        if (reason is not null)
        {
            throw new ImportFormatException(
                $"The file ends inside its last message ({last.Pointer}): {reason}. The mbox is probably truncated; download the export again. No message of this file was imported.",
                $"{last.Pointer}, byte {last.ByteOffset}");
        }
    }

    private static RecordDraft ToRecord(MimeMessage message, int index, long offset, string? marker, string dataset, ImportFileContext context)
    {
        var headers = message.Headers;
        var attributes = new JsonObject();
        var (start, offsetKnown) = DateOf(message, marker);
        if (!offsetKnown && start == DateTimeOffset.UnixEpoch)
        {
            attributes["dateMissing"] = true;
        }

        AddText(attributes, "from", message.From.Count > 0 ? message.From.ToString() : null);
        AddAddresses(attributes, "to", message.To);
        AddAddresses(attributes, "cc", message.Cc);
        AddText(attributes, "messageId", message.MessageId);
        AddText(attributes, "inReplyTo", message.InReplyTo);
        AddText(attributes, "threadId", headers["X-GM-THRID"]?.Trim());

        var labels = GmailLabels.Split(headers["X-Gmail-Labels"]);
        if (labels.Count > 0)
        {
            attributes["labels"] = new JsonArray([.. labels.Select(l => (JsonNode)l)]);
        }

        var attachments = StoreAttachments(message, context);
        if (attachments.Count > 0)
        {
            attributes["attachments"] = attachments;
        }

        return new RecordDraft
        {
            Dataset = dataset,
            Kind = RecordKinds.Message,
            MergeKey = message.MessageId is { Length: > 0 } messageId ? messageId : HashKey(headers),
            Start = start,
            StartOffsetKnown = offsetKnown,
            Title = message.Subject,
            Text = BodyText(message),
            Attributes = attributes,
            Pointer = $"message {index}",
            ByteOffset = offset,
        };
    }

    private static (DateTimeOffset Start, bool OffsetKnown) DateOf(MimeMessage message, string? marker)
    {
        // MimeKit returns DateTimeOffset.MinValue when the Date header is missing or does not parse.
        if (message.Headers.Contains(HeaderId.Date) && message.Date != DateTimeOffset.MinValue)
        {
            return (message.Date, true);
        }

        return TryParseFromLine(marker, out var fromLineDate) ? (fromLineDate, true) : (DateTimeOffset.UnixEpoch, false);
    }

    /// <summary>
    /// Parses the date of an mbox separator, <c>From SENDER Sat Jan 16 09:41:26 +0000 2021</c> as Gmail writes it, or
    /// the classic <c>asctime</c> form without a zone, which is taken as UTC.
    /// </summary>
    internal static bool TryParseFromLine(string? marker, out DateTimeOffset value)
    {
        value = default;
        var tokens = marker?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        if (tokens.Length < 7)
        {
            return false;
        }

        var year = tokens[^1];
        var zone = tokens[^2];
        var hasZone = zone.Length == 5 && zone[0] is '+' or '-';
        var timeIndex = hasZone ? tokens.Length - 3 : tokens.Length - 2;
        if (timeIndex < 4)
        {
            return false;
        }

        var text = $"{tokens[timeIndex - 2]} {tokens[timeIndex - 1]} {tokens[timeIndex]} {year}";
        if (!DateTime.TryParseExact(text, "MMM d HH:mm:ss yyyy", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return false;
        }

        var offset = TimeSpan.Zero;
        if (hasZone)
        {
            if (!int.TryParse(zone.AsSpan(1, 2), CultureInfo.InvariantCulture, out var hours) || !int.TryParse(zone.AsSpan(3, 2), CultureInfo.InvariantCulture, out var minutes))
            {
                return false;
            }

            offset = new TimeSpan(hours, minutes, 0) * (zone[0] == '-' ? -1 : 1);
        }

        value = new DateTimeOffset(local, offset);
        return true;
    }

    private static string? BodyText(MimeMessage message)
    {
        var text = message.TextBody ?? (message.HtmlBody is { } html ? HtmlText.Convert(html) : null);
        return text is null ? null : QuotedFromLine().Replace(text, "$1");
    }

    /// <summary>Stores each attachment's decoded bytes as a blob and lists them with their hash.</summary>
    private static JsonArray StoreAttachments(MimeMessage message, ImportFileContext context)
    {
        var result = new JsonArray();
        foreach (var attachment in message.Attachments)
        {
            using var buffer = new MemoryStream();
            string? fileName;
            if (attachment is MessagePart attachedMessage)
            {
                attachedMessage.Message?.WriteTo(buffer, context.CancellationToken);
                fileName = attachedMessage.ContentDisposition?.FileName ?? attachedMessage.ContentType.Name;
            }
            else if (attachment is MimePart part)
            {
                part.Content?.DecodeTo(buffer, context.CancellationToken);
                fileName = part.FileName;
            }
            else
            {
                continue;
            }

            var length = buffer.Length;
            buffer.Position = 0;
            var sha256 = context.StoreBlob is { } store
                ? store(buffer).Sha256
                : Convert.ToHexStringLower(SHA256.HashData(buffer));

            var entry = new JsonObject();
            AddText(entry, "fileName", fileName);
            entry["contentType"] = attachment.ContentType.MimeType;
            entry["size"] = length;
            entry["sha256"] = sha256;
            result.Add(entry);
        }

        return result;
    }

    private static string HashKey(HeaderList headers)
    {
        var identity = $"{headers[HeaderId.Date]?.Trim()}\n{headers[HeaderId.From]?.Trim()}\n{headers[HeaderId.Subject]?.Trim()}";
        return "hash:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..32];
    }

    private static void AddAddresses(JsonObject target, string name, InternetAddressList addresses)
    {
        if (addresses.Count > 0)
        {
            target[name] = new JsonArray([.. addresses.Select(a => (JsonNode)a.ToString())]);
        }
    }

    private static void AddText(JsonObject target, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            target[name] = value;
        }
    }

    /// <summary>A body line that mboxrd quoted with one more '&gt;' because it starts with <c>From </c>.</summary>
    [GeneratedRegex(@"^>(>*From )", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex QuotedFromLine();
}
