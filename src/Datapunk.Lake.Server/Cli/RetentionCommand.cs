using System.CommandLine;

namespace Datapunk.Lake.Server.Cli;

/// <summary><c>lake retention set|list|remove|preview|run</c>: maximum ages per dataset or kind.</summary>
internal static class RetentionCommand
{
    public static Command Create()
    {
        var command = new Command("retention", "Keep records only up to a maximum age, per dataset or kind.");
        var dataset = new Option<string?>("--dataset") { Description = "The dataset the policy applies to." };
        var kind = new Option<string?>("--kind") { Description = "The record kind the policy applies to." };
        var days = new Option<int>("--max-age-days") { Description = "Delete records that start more than this many days ago.", Required = true };
        var set = new Command("set", "Add or change a policy.") { dataset, kind, days };
        set.SetAction(async (result, cancellationToken) =>
        {
            var lake = await LakeCommandLine.OpenLakeAsync(result, account: null, cancellationToken);
            try
            {
                var policy = lake.Control.Retention.Set(result.GetValue(dataset), result.GetValue(kind), result.GetValue(days), tokenId: null);
                Console.WriteLine($"Policy {policy.Id}: {policy.Describe()}. It runs at every server start and every hour; 'lake retention preview' shows what it would delete.");
                return 0;
            }
            catch (ArgumentException exception)
            {
                Console.Error.WriteLine(exception.Message.Split(" (Parameter", 2)[0]);
                return 1;
            }
        });

        var list = new Command("list", "List the policies.");
        list.SetAction(async (result, cancellationToken) =>
        {
            var lake = await LakeCommandLine.OpenLakeAsync(result, account: null, cancellationToken);
            foreach (var policy in lake.Control.Retention.List())
            {
                Console.WriteLine($"{policy.Id}  {policy.Describe()}  last run: {policy.LastRunAt?.ToString("O", System.Globalization.CultureInfo.InvariantCulture) ?? "never"}");
            }

            return 0;
        });

        var id = new Argument<long>("id") { Description = "The policy id, as 'lake retention list' prints it." };
        var remove = new Command("remove", "Remove a policy.") { id };
        remove.SetAction(async (result, cancellationToken) =>
        {
            var lake = await LakeCommandLine.OpenLakeAsync(result, account: null, cancellationToken);
            return lake.Control.Retention.Remove(result.GetValue(id), tokenId: null) ? 0 : 1;
        });

        var preview = new Command("preview", "Print what a run would delete now, and delete nothing.");
        preview.SetAction(async (result, cancellationToken) => Print(await (await LakeCommandLine.OpenLakeAsync(result, account: null, cancellationToken)).Control.Retention.PreviewAsync(cancellationToken)));
        var run = new Command("run", "Apply every policy now.");
        run.SetAction(async (result, cancellationToken) => Print(await (await LakeCommandLine.OpenLakeAsync(result, account: null, cancellationToken)).Control.Retention.RunAsync(tokenId: null, cancellationToken)));

        command.Subcommands.Add(set);
        command.Subcommands.Add(list);
        command.Subcommands.Add(remove);
        command.Subcommands.Add(preview);
        command.Subcommands.Add(run);
        return command;
    }

    private static int Print(IReadOnlyList<Datapunk.Lake.Sovereignty.Retention.RetentionOutcome> outcomes)
    {
        foreach (var outcome in outcomes)
        {
            var verb = outcome.Result.DryRun ? "would delete" : "deleted";
            Console.WriteLine($"{outcome.Policy.Id}  {outcome.Policy.Describe()}: {verb} {outcome.Result.Records} records and {outcome.Result.Blobs} originals older than {outcome.Cutoff:O}");
        }

        return 0;
    }
}
