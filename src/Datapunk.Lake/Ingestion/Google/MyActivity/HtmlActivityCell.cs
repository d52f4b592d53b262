namespace Datapunk.Lake.Ingestion.Google.MyActivity;

/// <summary>The cells of a My Activity HTML entry, identified by their CSS classes.</summary>
internal enum HtmlActivityCell
{
    None,

    /// <summary><c>div.header-cell</c>: the product name.</summary>
    Header,

    /// <summary><c>div.content-cell.mdl-typography--body-1</c>: title, subtitles and date, one per line.</summary>
    Body,

    /// <summary><c>div.content-cell.mdl-typography--caption</c>: "Products:", "Locations:", "Details:" and "Why is this here?".</summary>
    Caption,

    /// <summary>Any other cell, such as the right-hand content cell that contains image previews.</summary>
    Ignored,
}
