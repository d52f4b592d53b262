using System.Diagnostics;

namespace Datapunk.Lake.Tests.Support;

/// <summary>Runs the built <c>lake</c> command as a separate process, as a user would.</summary>
public static class LakeProcess
{
    /// <summary>The lake.dll copied next to the tests by the project reference.</summary>
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "lake.dll");

    public static ProcessStartInfo StartInfo(params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Dll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // The tests choose the data directory explicitly; an inherited one must not leak in.
        info.Environment.Remove(LakeOptions.DataDirectoryVariable);
        return info;
    }

    /// <summary>Runs the command to its end and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] arguments)
    {
        using var process = Process.Start(StartInfo(arguments))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
