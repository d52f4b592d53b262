namespace Datapunk.Lake.Ingestion.Google.MyActivity;

/// <summary>
/// One line of a My Activity HTML cell (the content between two <c>&lt;br&gt;</c>): its text with white space
/// normalized, its links, and the bold label it starts with, if any ("Products:").
/// </summary>
internal sealed record HtmlLine(string Text, IReadOnlyList<ActivityLink> Links, string? Label);
