using System.Text;

namespace Datapunk.Lake.Ingestion.Google.Mail;

/// <summary>Parses Gmail's <c>X-Gmail-Labels</c> header: labels separated by commas, a label with a comma in double quotes.</summary>
internal static class GmailLabels
{
    public static List<string> Split(string? header)
    {
        var labels = new List<string>();
        if (string.IsNullOrWhiteSpace(header))
        {
            return labels;
        }

        var current = new StringBuilder();
        var quoted = false;
        foreach (var c in header)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == ',' && !quoted)
            {
                Add(labels, current);
            }
            else
            {
                current.Append(c);
            }
        }

        Add(labels, current);
        return labels;
    }

    private static void Add(List<string> labels, StringBuilder current)
    {
        var label = current.ToString().Trim();
        if (label.Length > 0)
        {
            labels.Add(label);
        }

        current.Clear();
    }
}
