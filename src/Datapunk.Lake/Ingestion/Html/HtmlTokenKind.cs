namespace Datapunk.Lake.Ingestion.Html;

/// <summary>What <see cref="HtmlTokenizer.Read"/> found.</summary>
internal enum HtmlTokenKind
{
    None,
    StartTag,
    EndTag,
    Text,
}
