using System.CommandLine;
using System.Globalization;

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
        LocalAudit.SetAction(set, "PUT /v1/retention/", async (result, audit, cancellationToken) =>
        {
            audit.Target = LocalAudit.Describe(("dataset", result.GetValue(dataset)), ("kind", result.GetValue(kind)), ("maxAgeDays", result.GetValue(days)));
            var lake = await audit.OpenLakeAsync(account: null, cancellationToken);
            try
            {
                var policy = lake.Control.Retention.Set(result.GetValue(dataset), result.GetValue(kind), result.GetValue(days), LocalAudit.ActorId);
                audit.Result = "policy " + policy.Id.ToString(CultureInfo.InvariantCulture);
                Console.WriteLine($"Policy {policy.Id}: {policy.Describe()}. It runs at every server start and every hour; 'lake retention preview' shows what it would delete.");
                return 0;
            }
            catch (ArgumentException exception)
            {
                Console.Error.WriteLine(exception.Message.Split(" (Parameter", 2)[0]);
                audit.Result = "invalid arguments";
                return 1;
            }
        });

        var list = new Command("list", "List the policies.");
        LocalAudit.SetAction(list, "GET /v1/retention/", async (result, audit, cancellationToken) =>
        {
            var lake = await audit.OpenLakeAsync(account: null, cancellationToken);
            var policies = lake.Control.Retention.List();
            audit.Result = string.Create(CultureInfo.InvariantCulture, $"{policies.Count} policies");
            foreach (var policy in policies)
            {
                Console.WriteLine($"{policy.Id}  {policy.Describe()}  last run: {policy.LastRunAt?.ToString("O", CultureInfo.InvariantCulture) ?? "never"}");
            }

            return 0;
        });

        var id = new Argument<long>("id") { Description = "The policy id, as 'lake retention list' prints it." };
        var remove = new Command("remove", "Remove a policy.") { id };
        LocalAudit.SetAction(remove, "DELETE /v1/retention/{id:long}", async (result, audit, cancellationToken) =>
        {
            audit.Target = "id=" + result.GetValue(id).ToString(CultureInfo.InvariantCulture);
            var lake = await audit.OpenLakeAsync(account: null, cancellationToken);
            if (lake.Control.Retention.Remove(result.GetValue(id), LocalAudit.ActorId))
            {
                return 0;
            }

            audit.Result = "not found";
            return 1;
        });

        var preview = new Command("preview", "Print what a run would delete now, and delete nothing.");
        LocalAudit.SetAction(preview, "POST /v1/retention/preview", async (result, audit, cancellationToken) =>
        {
            var lake = await audit.OpenLakeAsync(account: null, cancellationToken);
            return Print(await lake.Control.Retention.PreviewAsync(cancellationToken), audit);
        });

        var run = new Command("run", "Apply every policy now.");
        LocalAudit.SetAction(run, "POST /v1/retention/run", async (result, audit, cancellationToken) =>
        {
            var lake = await audit.OpenLakeAsync(account: null, cancellationToken);
            return Print(await lake.Control.Retention.RunAsync(LocalAudit.ActorId, cancellationToken), audit);
        });

        command.Subcommands.Add(set);
        command.Subcommands.Add(list);
        command.Subcommands.Add(remove);
        command.Subcommands.Add(preview);
        command.Subcommands.Add(run);
        return command;
    }

    private static int Print(IReadOnlyList<Datapunk.Lake.Sovereignty.Retention.RetentionOutcome> outcomes, LocalAudit audit)
    {
        audit.Result = string.Create(CultureInfo.InvariantCulture, $"{outcomes.Count} policies, {outcomes.Sum(o => o.Result.Records)} records");
        foreach (var outcome in outcomes)
        {
            var verb = outcome.Result.DryRun ? "would delete" : "deleted";
            Console.WriteLine($"{outcome.Policy.Id}  {outcome.Policy.Describe()}: {verb} {outcome.Result.Records} records and {outcome.Result.Blobs} originals older than {outcome.Cutoff:O}");
        }

        return 0;
    }
}
