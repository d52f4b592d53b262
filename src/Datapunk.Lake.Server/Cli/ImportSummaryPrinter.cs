using System.Globalization;
using Datapunk.Lake.Imports;

namespace Datapunk.Lake.Server.Cli;

internal static class ImportSummaryPrinter
{
    public static void Print(TextWriter output, ImportSummary summary, IReadOnlyList<ImportFileReport> files, TimeSpan? elapsed)
    {
        var culture = CultureInfo.InvariantCulture;
        var took = elapsed is { } time ? string.Create(culture, $" in {time.TotalSeconds:F1} s") : "";
        var outcome = summary.State == ImportState.Succeeded && summary.Errors > 0
            ? string.Create(culture, $"finished with {summary.Errors:N0} file {(summary.Errors == 1 ? "error" : "errors")} (listed below)")
            : summary.State.ToString().ToLowerInvariant();
        output.WriteLine($"Import {summary.Id} {outcome}{took}");
        if (summary.Message is not null)
        {
            output.WriteLine($"  {summary.Message}");
        }

        output.WriteLine(string.Create(culture, $"  files stored (new blobs):  {summary.FilesStored:N0}"));
        output.WriteLine(string.Create(culture, $"  files parsed:              {summary.FilesParsed:N0}"));
        foreach (var format in files.Where(f => f.Outcome == FileOutcome.Parsed && f.Format is not null && !f.Format.StartsWith("archive.", StringComparison.Ordinal))
                     .GroupBy(f => f.Format!, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine(string.Create(culture, $"    {format.Key,-44} {format.Count():N0}"));
        }

        output.WriteLine(string.Create(culture, $"  files already imported:    {summary.FilesUnchanged:N0}"));
        output.WriteLine(string.Create(culture, $"  files kept, not parsed:    {summary.FilesKept:N0}"));
        output.WriteLine(string.Create(culture, $"  records added:             {summary.RecordsAdded:N0}"));
        output.WriteLine(string.Create(culture, $"  duplicates skipped:        {summary.Duplicates:N0}"));
        if (summary.SkippedDeleted > 0)
        {
            output.WriteLine(string.Create(culture, $"  {summary.SkippedDeleted:N0} records skipped because they were deleted before"));
        }
        output.WriteLine(string.Create(culture, $"  errors:                    {summary.Errors:N0}"));
        foreach (var error in files.Where(f => f.Outcome == FileOutcome.Error))
        {
            output.WriteLine($"    {error.Path} ({error.Position ?? "whole file"}): {error.Message}");
        }
    }
}
