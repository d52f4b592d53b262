using System.Text;

namespace Datapunk.Lake.Ingestion.Google.MyActivity;

/// <summary>Collects the tokens of one cell into <see cref="HtmlLine"/>s, splitting at <c>&lt;br&gt;</c>.</summary>
internal sealed class HtmlLineBuilder
{
    private readonly StringBuilder _text = new();
    private readonly List<ActivityLink> _links = [];
    private readonly List<HtmlLine> _lines = [];
    private string? _linkUrl;
    private int _linkStart = -1;
    private int _boldStart = -1;
    private string? _label;

    public IReadOnlyList<HtmlLine> Lines => _lines;

    public void AddText(string text) => _text.Append(text);

    public void StartLink(string? url)
    {
        _linkUrl = url;
        _linkStart = _text.Length;
    }

    public void EndLink()
    {
        if (_linkStart < 0)
        {
            return;
        }

        var name = ActivityTitles.Normalize(_text.ToString(_linkStart, _text.Length - _linkStart));
        _links.Add(new ActivityLink(name, string.IsNullOrWhiteSpace(_linkUrl) ? null : _linkUrl.Trim()));
        _linkUrl = null;
        _linkStart = -1;
    }

    /// <summary>Starts a bold run; it is the line's label only when nothing but white space comes before it.</summary>
    public void StartBold()
    {
        if (_label is null && string.IsNullOrWhiteSpace(_text.ToString()))
        {
            _boldStart = _text.Length;
        }
    }

    public void EndBold()
    {
        if (_boldStart < 0)
        {
            return;
        }

        _label = ActivityTitles.Normalize(_text.ToString(_boldStart, _text.Length - _boldStart));
        _text.Clear();
        _boldStart = -1;
    }

    /// <summary>Ends the current line; lines with neither text, links nor label are dropped.</summary>
    public void EndLine()
    {
        if (_linkStart >= 0)
        {
            EndLink();
        }

        var text = ActivityTitles.Normalize(_text.ToString());
        if (text.Length > 0 || _label is not null || _links.Count > 0)
        {
            _lines.Add(new HtmlLine(text, [.. _links], _label));
        }

        _text.Clear();
        _links.Clear();
        _label = null;
        _boldStart = -1;
        _linkStart = -1;
    }

    public void Clear()
    {
        _text.Clear();
        _links.Clear();
        _lines.Clear();
        _label = null;
        _boldStart = -1;
        _linkStart = -1;
        _linkUrl = null;
    }
}
