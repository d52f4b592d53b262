using System.CommandLine;
using System.Globalization;

namespace Datapunk.Lake.Server.Cli;

/// <summary><c>lake audit [list|verify]</c>: read the audit log and check its hash chain.</summary>
internal static class AuditCommand
{
    public static Command Create()
    {
        var command = new Command("audit", "Read and verify the audit log.");
        var after = new Option<long>("--after") { Description = "Print entries after this sequence number." };
        var limit = new Option<int>("--limit") { Description = "Entries to print (default 100).", DefaultValueFactory = _ => 100 };
        var list = new Command("list", "Print audit entries, oldest first.") { after, limit };
        list.SetAction(async (result, cancellationToken) =>
        {
            var lake = await LakeCommandLine.OpenLakeAsync(result, account: null, cancellationToken);
            foreach (var entry in lake.Control.Audit.Page(result.GetValue(after), Math.Clamp(result.GetValue(limit), 1, 100_000)))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{entry.Sequence,6}  {entry.Time:yyyy-MM-dd'T'HH:mm:ss.fffZ}  {entry.TokenId ?? "local",-16}  {entry.Action,-28} {entry.Outcome,-16} {entry.Target}"));
            }

            return 0;
        });

        var verify = new Command("verify", "Check the hash chain; exits 1 and names the first bad entry when it is broken.");
        verify.SetAction(async (result, cancellationToken) =>
        {
            var lake = await LakeCommandLine.OpenLakeAsync(result, account: null, cancellationToken);
            var verification = lake.Control.Audit.Verify();
            if (verification.IsValid)
            {
                Console.WriteLine($"Audit log intact: {verification.EntriesChecked} entries.");
                return 0;
            }

            Console.Error.WriteLine($"Audit log broken at entry {verification.FirstBadSequence}: {verification.Problem}");
            return 1;
        });

        command.Subcommands.Add(list);
        command.Subcommands.Add(verify);
        return command;
    }
}
