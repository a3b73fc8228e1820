using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace GroupGuard.Host.Tests;

/// <summary>Runs the built <c>groupguard</c> executable as an operator would: a real process with its own settings.</summary>
internal static class GroupGuardProcess
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "groupguard.dll");

    public sealed record Outcome(int ExitCode, string Output, string Error);

    /// <summary>Runs a verb to its end (or kills it after <paramref name="timeout"/>).</summary>
    public static async Task<Outcome> RunAsync(string workingDirectory, IDictionary<string, string> environment, TimeSpan timeout, params string[] args)
    {
        using var process = Start(workingDirectory, environment, args);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail($"groupguard {string.Join(' ', args)} did not end within {timeout}: {await error}");
        }

        return new Outcome(process.ExitCode, await output, await error);
    }

    public static Process Start(string workingDirectory, IDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new System.Text.UTF8Encoding(false),
            StandardOutputEncoding = System.Text.Encoding.UTF8,
            StandardErrorEncoding = System.Text.Encoding.UTF8,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        // Keep the child's logs plain and its settings its own.
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        return Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task WaitHealthyAsync(HttpClient http, System.Diagnostics.Process process)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(process.HasExited, "groupguard exited at start");
            try
            {
                if ((await http.GetAsync("/healthz")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        Assert.Fail("groupguard did not become healthy within 60 s");
    }

    public static async Task WaitProcessedAsync(HttpClient http, int messages)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            using var health = JsonDocument.Parse(await http.GetStringAsync("/healthz"));
            if (health.RootElement.GetProperty("pipeline").GetProperty("processed").GetInt64() >= messages)
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"{messages} messages were not processed within 30 s");
    }
}
