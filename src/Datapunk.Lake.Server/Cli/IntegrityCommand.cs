using System.CommandLine;
using System.Globalization;

namespace Datapunk.Lake.Server.Cli;

/// <summary>
/// <c>lake verify</c>: re-hash every blob, check every record's provenance and the audit chain. Exits 0 when all is
/// well and 1 on any problem.
/// </summary>
internal static class IntegrityCommand
{
    public static Command Create()
    {
        var repair = new Option<bool>("--repair") { Description = "Fix what can be fixed without losing anything (unlisted blobs, stale keys and temporary files, dataset counters)." };
        var command = new Command("verify", "Check every blob, every record's provenance and the audit chain.") { repair };
        LocalAudit.SetAction(command, "verify", async (result, audit, cancellationToken) =>
        {
            var lake = await audit.OpenLakeAsync(account: null, cancellationToken);
            var repairing = result.GetValue(repair);
            audit.Target = "repair=" + repairing;
            var report = await lake.Control.Verifier.VerifyAsync(repairing, cancellationToken);
            audit.Result = string.Create(CultureInfo.InvariantCulture,
                $"{report.BlobsChecked} blobs, {report.RecordsChecked} records, {report.Problems.Count} problems, {report.Repairs.Count} repairs");
            foreach (var fixedProblem in report.Repairs)
            {
                Console.WriteLine("repaired: " + fixedProblem);
            }

            foreach (var problem in report.Problems)
            {
                // After a repair, what is left is what could not be fixed without losing something.
                Console.WriteLine((repairing ? "not repaired: " : "problem:  ") + problem);
            }

            Console.WriteLine($"blobs checked:    {report.BlobsChecked}");
            Console.WriteLine($"records checked:  {report.RecordsChecked}");
            Console.WriteLine($"audit entries:    {report.Audit.EntriesChecked} ({(report.Audit.IsValid ? "chain intact" : $"broken at entry {report.Audit.FirstBadSequence}: {report.Audit.Problem}")})");
            Console.WriteLine(report.IsValid ? "OK" : $"{report.Problems.Count + (report.Audit.IsValid ? 0 : 1)} problems");
            return report.IsValid ? 0 : 1;
        });
        return command;
    }
}
