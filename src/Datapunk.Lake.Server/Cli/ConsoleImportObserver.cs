using System.Globalization;
using Datapunk.Lake.Imports;
using Datapunk.Lake.Ingestion;

namespace Datapunk.Lake.Server.Cli;

/// <summary>Prints one line per finished file, and a progress line about once a second during a large file.</summary>
internal sealed class ConsoleImportObserver(TextWriter output, bool quiet) : IImportObserver
{
    private string? _current;

    public void FileStarted(string path, long? length) => _current = path;

    public void FileFinished(ImportFileReport report)
    {
        if (quiet && report.Outcome != FileOutcome.Error)
        {
            return;
        }

        var detail = report.Outcome switch
        {
            FileOutcome.Parsed when report.Format?.StartsWith("archive.", StringComparison.Ordinal) == true && report.Message is not null => $"{report.Format}. {report.Message}",
            FileOutcome.Parsed when report.Format?.StartsWith("archive.", StringComparison.Ordinal) == true => report.Format,
            FileOutcome.Parsed when report.Message is not null => string.Create(CultureInfo.InvariantCulture, $"{report.Format}: {report.RecordsAdded:N0} records added, {report.Duplicates:N0} duplicates. {report.Message}"),
            FileOutcome.Parsed => string.Create(CultureInfo.InvariantCulture, $"{report.Format}: {report.RecordsAdded:N0} records added, {report.Duplicates:N0} duplicates"),
            FileOutcome.Unchanged => $"{report.Format}: already imported",
            FileOutcome.Kept when report.Format == Sovereignty.Export.ExportArchive.OriginalFormat => "restored from the lake export, not parsed again",
            FileOutcome.Kept => "kept, not parsed",
            _ => $"{report.Position}: {report.Message}",
        };
        output.WriteLine($"  {Label(report.Outcome),-9} {report.Path}  ({detail})");
    }

    public void Progress(ImportSummary summary)
    {
        if (quiet)
        {
            return;
        }

        var file = summary.CurrentFile;
        var detail = file is null
            ? ""
            : string.Create(CultureInfo.InvariantCulture, $" {file.Bytes / 1048576.0:F0} of {file.Length / 1048576.0:F0} MiB read, {file.Records:N0} records in this file;");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  ...       {_current}:{detail} {summary.FilesDone:N0} files done, {summary.RecordsAdded:N0} records committed"));
    }

    private static string Label(FileOutcome outcome) => outcome switch
    {
        FileOutcome.Parsed => "parsed",
        FileOutcome.Unchanged => "unchanged",
        FileOutcome.Kept => "kept",
        _ => "ERROR",
    };
}
