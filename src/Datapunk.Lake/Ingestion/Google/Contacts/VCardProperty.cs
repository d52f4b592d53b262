namespace Datapunk.Lake.Ingestion.Google.Contacts;

/// <summary>
/// One content line of a vCard after unfolding and transfer decoding: <c>[group.]NAME;PARAM=VALUE:value</c>.
/// </summary>
/// <param name="Group">The group before the dot (<c>item1</c> in <c>item1.EMAIL</c>), or null.</param>
/// <param name="Name">The property name in upper case.</param>
/// <param name="Parameters">Parameter names in upper case with their values; vCard 2.1 bare types are under TYPE.</param>
/// <param name="Value">The value decoded to text, still escaped as the vCard version escapes it; empty for binary values.</param>
/// <param name="BinaryLength">The decoded length of a base64 value, which is not kept; null for text values.</param>
/// <param name="Line">The line the property starts on, counting from 1.</param>
internal sealed record VCardProperty(
    string? Group,
    string Name,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Parameters,
    string Value,
    long? BinaryLength,
    int Line)
{
    public IReadOnlyList<string> Parameter(string name) =>
        Parameters.TryGetValue(name, out var values) ? values : [];
}
