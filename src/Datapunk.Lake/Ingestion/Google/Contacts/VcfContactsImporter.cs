using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Datapunk.Lake.Records;

namespace Datapunk.Lake.Ingestion.Google.Contacts;

/// <summary>
/// Google Contacts' vCard export (<c>Takeout/Contacts/All Contacts/All Contacts.vcf</c>, and the vCards other tools
/// write): one <c>contact</c> record per card, in versions 2.1, 3.0 and 4.0.
/// </summary>
/// <remarks>
/// <para>Dataset: <c>google/contacts/ACCOUNT</c>. Title: FN, else the parts of N, else ORG, else the first e-mail.
/// Text: NOTE. Attributes: name parts, e-mails, phones, addresses and URLs with their types and the label that
/// Google and Apple give a group (<c>item1.X-ABLabel</c>), organization, title, birthday as written, photo size,
/// and every other property under <c>other</c>.</para>
/// <para>Start: a contact has no natural time, but every record needs one. REV (the card's last change) is used
/// when present; otherwise 1970-01-01T00:00:00Z with <see cref="RecordDraft.StartOffsetKnown"/> false and the
/// attribute <c>timeless=true</c>, so time queries can leave such contacts out.</para>
/// <para>Merge key: <c>uid:UID</c> when the card has a UID; otherwise <c>name:FN|CONTACT</c>, with FN in lower case
/// and white space collapsed, and CONTACT the first e-mail in lower case or else the first phone number's digits
/// (and a leading +). Google's export has no UID, so a contact renamed between two exports becomes a second record.</para>
/// <para>A card without END:VCARD (a truncated file) fails the whole file with its line: contact lists are small and
/// exported again in seconds, while a silently lost last contact would go unnoticed.</para>
/// </remarks>
public sealed class VcfContactsImporter : IFormatImporter
{
    private static readonly HashSet<string> HandledProperties = new(StringComparer.Ordinal)
    {
        "VERSION", "PRODID", "REV", "UID", "FN", "N", "NICKNAME", "EMAIL", "TEL", "ADR", "ORG", "TITLE", "ROLE",
        "BDAY", "NOTE", "PHOTO", "URL", "CATEGORIES", "X-ABLABEL", "LABEL",
    };

    public string Format => "google.contacts.vcf";

    public int Version => 1;

    public string Description => "Google Contacts (vCard .vcf 2.1, 3.0 and 4.0)";

    public string ExamplePath => "Takeout/Contacts/All Contacts/All Contacts.vcf";

    public bool CanRead(FileSniff sniff) => TextSniff.StartsWithLine(sniff.Head.Span, "BEGIN:VCARD");

    public IEnumerable<RecordDraft> Read(Stream content, ImportFileContext context)
    {
        var dataset = GoogleDatasets.Contacts(context.Account);
        var index = 0;
        foreach (var card in new VCardReader(content).ReadCards(context.CancellationToken))
        {
            yield return ToRecord(card, index++, dataset);
        }
    }

    private static RecordDraft ToRecord(VCard card, int index, string dataset)
    {
        var version = card.Version;
        var labels = card.Properties
            .Where(p => p.Name == "X-ABLABEL" && p.Group is not null)
            .GroupBy(p => p.Group!, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => CleanLabel(Unescape(g.First().Value, version)), StringComparer.OrdinalIgnoreCase);

        var attributes = new JsonObject { ["version"] = version };
        var formattedName = Text(card, "FN", version);
        var uid = Text(card, "UID", version);
        AddText(attributes, "uid", uid);

        var name = card.First("N") is { } n ? NameOf(n, version) : null;
        if (name is not null)
        {
            attributes["name"] = name;
        }

        AddText(attributes, "nickname", Text(card, "NICKNAME", version));
        var emails = Typed(card, "EMAIL", version, labels);
        var phones = Typed(card, "TEL", version, labels);
        AddList(attributes, "emails", emails);
        AddList(attributes, "phones", phones);
        AddList(attributes, "addresses", Addresses(card, version, labels));
        AddList(attributes, "urls", Typed(card, "URL", version, labels));

        var organization = card.First("ORG") is { } org ? SplitStructured(org.Value, version).Where(p => p.Length > 0).ToList() : [];
        if (organization.Count > 0)
        {
            attributes["organization"] = organization[0];
        }

        if (organization.Count > 1)
        {
            attributes["organizationUnits"] = new JsonArray([.. organization.Skip(1).Select(u => (JsonNode)u)]);
        }

        AddText(attributes, "title", Text(card, "TITLE", version));
        AddText(attributes, "role", Text(card, "ROLE", version));
        AddText(attributes, "birthday", Text(card, "BDAY", version));
        AddText(attributes, "categories", Text(card, "CATEGORIES", version));
        if (card.First("PHOTO") is { } photo)
        {
            attributes["photo"] = PhotoOf(photo);
        }

        AddList(attributes, "other", Others(card, version, labels));

        var (start, offsetKnown) = RevisionOf(card);
        if (!offsetKnown && start == DateTimeOffset.UnixEpoch)
        {
            attributes["timeless"] = true;
        }

        var title = formattedName
            ?? JoinName(name)
            ?? organization.FirstOrDefault()
            ?? (emails.Count > 0 ? emails[0]!["value"]!.GetValue<string>() : null);

        return new RecordDraft
        {
            Dataset = dataset,
            Kind = RecordKinds.Contact,
            MergeKey = MergeKeyOf(uid, formattedName ?? title, emails, phones),
            Start = start,
            StartOffsetKnown = offsetKnown,
            Title = title,
            Text = Text(card, "NOTE", version),
            Attributes = attributes,
            Pointer = $"line {card.Line} (vCard {index})",
        };
    }

    private static string MergeKeyOf(string? uid, string? name, List<JsonObject> emails, List<JsonObject> phones)
    {
        if (uid is not null)
        {
            return "uid:" + uid;
        }

        var normalizedName = string.Join(' ', (name ?? string.Empty).ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        string contact;
        if (emails.Count > 0)
        {
            contact = emails[0]["value"]!.GetValue<string>().Trim().ToLowerInvariant();
        }
        else if (phones.Count > 0)
        {
            var phone = phones[0]["value"]!.GetValue<string>();
            contact = new string([.. phone.Where((c, i) => char.IsAsciiDigit(c) || (c == '+' && i == phone.IndexOf('+', StringComparison.Ordinal)))]);
        }
        else
        {
            contact = string.Empty;
        }

        return $"name:{normalizedName}|{contact}";
    }

    /// <summary>REV when it parses; otherwise the Unix epoch, marked as no real time.</summary>
    private static (DateTimeOffset Start, bool OffsetKnown) RevisionOf(VCard card)
    {
        var text = card.First("REV")?.Value.Trim();
        string[] zoned = ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFK", "yyyyMMdd'T'HHmmssK", "yyyyMMdd'T'HHmmss'Z'", "yyyy-MM-dd'T'HH:mm:ss'Z'"];
        if (text is { Length: > 0 }
            && DateTimeOffset.TryParseExact(text, zoned, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var revision)
            && (text.EndsWith('Z') || text.Contains('+', StringComparison.Ordinal) || text.LastIndexOf('-') > text.IndexOf('T', StringComparison.Ordinal)))
        {
            return (revision, true);
        }

        string[] local = ["yyyy-MM-dd'T'HH:mm:ss", "yyyyMMdd'T'HHmmss", "yyyy-MM-dd", "yyyyMMdd"];
        if (text is { Length: > 0 }
            && DateTime.TryParseExact(text, local, CultureInfo.InvariantCulture, DateTimeStyles.None, out var floating))
        {
            return (new DateTimeOffset(floating, TimeSpan.Zero), false);
        }

        return (DateTimeOffset.UnixEpoch, false);
    }

    private static JsonObject? NameOf(VCardProperty property, string version)
    {
        var parts = SplitStructured(property.Value, version);
        var name = new JsonObject();
        string[] fields = ["family", "given", "additional", "prefix", "suffix"];
        for (var i = 0; i < fields.Length && i < parts.Count; i++)
        {
            AddText(name, fields[i], parts[i]);
        }

        return name.Count > 0 ? name : null;
    }

    private static string? JoinName(JsonObject? name)
    {
        if (name is null)
        {
            return null;
        }

        var words = new[] { "prefix", "given", "additional", "family", "suffix" }
            .Select(field => name[field]?.GetValue<string>())
            .Where(word => !string.IsNullOrEmpty(word));
        var joined = string.Join(' ', words);
        return joined.Length > 0 ? joined : null;
    }

    /// <summary>EMAIL, TEL and URL entries: the value with its TYPE parameters and its group's label.</summary>
    private static List<JsonObject> Typed(VCard card, string propertyName, string version, Dictionary<string, string> labels)
    {
        var result = new List<JsonObject>();
        foreach (var property in card.Properties.Where(p => p.Name == propertyName))
        {
            var value = Unescape(property.Value, version).Trim();
            if (value.Length == 0)
            {
                continue;
            }

            var entry = new JsonObject { ["value"] = value };
            AddTypesAndLabel(entry, property, labels);
            result.Add(entry);
        }

        return result;
    }

    private static List<JsonObject> Addresses(VCard card, string version, Dictionary<string, string> labels)
    {
        var result = new List<JsonObject>();
        string[] fields = ["poBox", "extended", "street", "locality", "region", "postalCode", "country"];
        foreach (var property in card.Properties.Where(p => p.Name == "ADR"))
        {
            var parts = SplitStructured(property.Value, version);
            var address = new JsonObject();
            for (var i = 0; i < fields.Length && i < parts.Count; i++)
            {
                AddText(address, fields[i], parts[i]);
            }

            if (address.Count == 0)
            {
                continue;
            }

            AddTypesAndLabel(address, property, labels);
            result.Add(address);
        }

        return result;
    }

    private static JsonObject PhotoOf(VCardProperty photo)
    {
        var result = new JsonObject();
        if (photo.BinaryLength is { } length)
        {
            result["length"] = length;
            AddTypes(result, photo);
            return result;
        }

        // vCard 4.0 embeds a photo as a data URI; like base64 in 3.0, only its size is kept.
        var value = photo.Value.Trim();
        if (value.StartsWith("data:", StringComparison.OrdinalIgnoreCase) && value.IndexOf(',', StringComparison.Ordinal) is var comma and > 0)
        {
            result["length"] = VCardReader.Base64Length(value.AsSpan(comma + 1));
            result["mediaType"] = value[5..comma].Split(';')[0];
            return result;
        }

        result["url"] = value;
        return result;
    }

    /// <summary>Every property this importer does not map, such as X-PHONETIC-FIRST-NAME, X-ABDATE or IMPP.</summary>
    private static List<JsonObject> Others(VCard card, string version, Dictionary<string, string> labels)
    {
        var result = new List<JsonObject>();
        foreach (var property in card.Properties.Where(p => !HandledProperties.Contains(p.Name)))
        {
            var entry = new JsonObject { ["name"] = property.Name };
            if (property.BinaryLength is { } length)
            {
                entry["length"] = length;
            }
            else
            {
                entry["value"] = Unescape(property.Value, version);
            }

            AddTypesAndLabel(entry, property, labels);
            result.Add(entry);
        }

        return result;
    }

    private static void AddTypesAndLabel(JsonObject entry, VCardProperty property, Dictionary<string, string> labels)
    {
        AddTypes(entry, property);
        if (property.Group is { } group && labels.TryGetValue(group, out var label))
        {
            entry["label"] = label;
        }
    }

    private static void AddTypes(JsonObject entry, VCardProperty property)
    {
        var types = property.Parameter("TYPE").Where(t => t != "pref").ToList();
        if (types.Count > 0)
        {
            entry["types"] = new JsonArray([.. types.Select(t => (JsonNode)t)]);
        }

        if (property.Parameter("TYPE").Contains("pref") || property.Parameter("PREF").Count > 0)
        {
            entry["preferred"] = true;
        }
    }

    /// <summary>Apple's built-in labels are written as <c>_$!&lt;Anniversary&gt;!$_</c>; the word inside is the label.</summary>
    private static string CleanLabel(string label) =>
        label.StartsWith("_$!<", StringComparison.Ordinal) && label.EndsWith(">!$_", StringComparison.Ordinal)
            ? label[4..^4]
            : label;

    private static string? Text(VCard card, string propertyName, string version) =>
        card.First(propertyName) is { } property && Unescape(property.Value, version) is { Length: > 0 } value ? value : null;

    /// <summary>Splits a structured value (N, ADR, ORG) on the semicolons that are not escaped, then unescapes each part.</summary>
    private static List<string> SplitStructured(string value, string version)
    {
        var parts = new List<string>();
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\')
            {
                i++;
            }
            else if (value[i] == ';')
            {
                parts.Add(Unescape(value[start..i], version).Trim());
                start = i + 1;
            }
        }

        parts.Add(Unescape(value[start..], version).Trim());
        return parts;
    }

    /// <summary>
    /// Undoes vCard text escaping: <c>\n</c> or <c>\N</c> is a line break and a backslash before any other character
    /// stands for that character (RFC 6350 section 3.4; Gmail also escapes ':' in URLs). vCard 2.1 escapes only ';'.
    /// </summary>
    private static string Unescape(string value, string version)
    {
        if (!value.Contains('\\', StringComparison.Ordinal))
        {
            return value;
        }

        if (version == "2.1")
        {
            return value.Replace("\\;", ";", StringComparison.Ordinal);
        }

        var builder = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length)
            {
                i++;
                builder.Append(value[i] is 'n' or 'N' ? '\n' : value[i]);
                continue;
            }

            builder.Append(value[i]);
        }

        return builder.ToString();
    }

    private static void AddText(JsonObject target, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            target[name] = value;
        }
    }

    private static void AddList(JsonObject target, string name, List<JsonObject> items)
    {
        if (items.Count > 0)
        {
            target[name] = new JsonArray([.. items]);
        }
    }
}
