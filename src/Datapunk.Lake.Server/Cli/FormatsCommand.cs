using System.CommandLine;
using Datapunk.Lake.Ingestion;

namespace Datapunk.Lake.Server.Cli;

internal static class FormatsCommand
{
    public static Command Create()
    {
        var command = new Command("formats", "List every recognised export format with an example path.");
        command.SetAction(_ =>
        {
            foreach (var format in KnownFormats.CreateRegistry().Formats)
            {
                Console.WriteLine($"{format.Format,-44} {format.ExamplePath}");
                Console.WriteLine($"{"",-44} {format.Description}");
            }

            return 0;
        });
        return command;
    }
}
