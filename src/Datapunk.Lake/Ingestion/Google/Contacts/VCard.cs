namespace Datapunk.Lake.Ingestion.Google.Contacts;

/// <summary>One <c>BEGIN:VCARD</c> … <c>END:VCARD</c> block with its properties in file order.</summary>
/// <param name="Line">The line of its BEGIN:VCARD, counting from 1.</param>
internal sealed record VCard(int Line, IReadOnlyList<VCardProperty> Properties)
{
    public string Version => First("VERSION")?.Value.Trim() ?? "3.0";

    public VCardProperty? First(string name) => Properties.FirstOrDefault(p => p.Name == name);
}
