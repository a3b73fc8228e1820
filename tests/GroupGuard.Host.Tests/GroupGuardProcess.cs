using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace GroupGuard.Host.Tests;

/// <summary>Runs the built <c>groupguard</c> executable as an operator would: a real process with its own settings.</summary>
internal static class GroupGuardProcess
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "groupguard.dll");

    public sealed record Outcome(int ExitCode, string Output, string Error);

    /// <summary>Runs a verb to its end (or kills it after <paramref name="timeout"/>).</summary>
    public static Task<Outcome> RunAsync(string workingDirectory, IDictionary<string, string> environment, TimeSpan timeout, params string[] args) =>
        RunWithInputAsync(workingDirectory, environment, timeout, null, args);

    /// <summary>Runs a verb to its end with <paramref name="input"/> on its standard input (a piped password).</summary>
    public static async Task<Outcome> RunWithInputAsync(string workingDirectory, IDictionary<string, string> environment, TimeSpan timeout, string? input, params string[] args)
    {
        using var process = Start(workingDirectory, environment, args);
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }

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

    public static Process Start(string workingDirectory, IDictionary<string, string> environment, params string[] args) =>
        Start("dotnet", [Dll, .. args], workingDirectory, environment);

    /// <summary>
    /// Starts the service as the child of <paramref name="shell"/> (a POSIX shell, perhaps a copy
    /// under another name, as a service manager would be its parent), which waits for it and exits
    /// with its status.
    /// </summary>
    public static Process StartUnder(string shell, string workingDirectory, IDictionary<string, string> environment, params string[] args) =>
        Start(shell, ["-c", "dotnet \"$@\"; exit $?", "sh", Dll, .. args], workingDirectory, environment);

    private static Process Start(string program, IReadOnlyList<string> arguments, string workingDirectory, IDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(program)
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
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // Keep the child's logs plain and its settings its own, unless the test chooses its environment.
        info.Environment.Remove("DOTNET_ENVIRONMENT");
        info.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        if (!environment.ContainsKey("DOTNET_ENVIRONMENT") && !environment.ContainsKey("ASPNETCORE_ENVIRONMENT"))
        {
            info.Environment["DOTNET_ENVIRONMENT"] = "Production";
            info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start");
        lock (Started)
        {
            Started.Add(process);
        }

        return process;
    }

    // A test that fails before it stops its child must not leave a service running after the run.
    private static readonly List<Process> Started = StopLeftoversAtExit();

    private static List<Process> StopLeftoversAtExit()
    {
        var started = new List<Process>();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            lock (started)
            {
                foreach (var process in started)
                {
                    try
                    {
                        if (!process.HasExited)
                        {
                            process.Kill(entireProcessTree: true);
                        }
                    }
                    catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
                    {
                        // Gone already.
                    }
                }
            }
        };
        return started;
    }

    /// <summary>The last port handed out by <see cref="FreePort"/>, from a random start.</summary>
    private static int _lastPort = Random.Shared.Next(ChildPortCount);

    private const int ChildPortBase = 20000;
    private const int ChildPortCount = 10000;

    /// <summary>
    /// A port for a child service to listen on, free now. A child takes seconds to start on a loaded
    /// machine and binds only then; a port the kernel chose (the range from 32768) could meanwhile be
    /// handed to one of the many in-process fakes this test process starts, which would answer the
    /// test's requests in the child's place (it happened: a fake's 200 passed for the child's
    /// health). So children's ports come from below that range, in turn, each checked free.
    /// </summary>
    public static int FreePort()
    {
        for (var tries = 0; tries < ChildPortCount; tries++)
        {
            var port = ChildPortBase + (Interlocked.Increment(ref _lastPort) % ChildPortCount);
            try
            {
                using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, port);
                probe.Start();
                return port;
            }
            catch (System.Net.Sockets.SocketException)
            {
                // Taken by something else on the machine: the next one.
            }
        }

        throw new InvalidOperationException($"No free port between {ChildPortBase} and {ChildPortBase + ChildPortCount - 1}.");
    }

    /// <summary>How often <see cref="HealthAsync"/> asks.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Only turns a hang into a failure: a child that starts on a loaded machine may take a while.</summary>
    private static readonly TimeSpan PollSafety = TimeSpan.FromSeconds(90);

    /// <summary>One answer of <c>/healthz</c>: its status code and its body.</summary>
    public sealed record Health(HttpStatusCode Status, JsonElement Body);

    /// <summary>
    /// Asks the child's <c>/healthz</c> until <paramref name="condition"/> holds, and returns that answer.
    /// A separate process offers no other signal to wait on, so this is the one place in the tests
    /// that polls; its safety timeout only turns a hang into a failure.
    /// </summary>
    public static async Task<Health> HealthAsync(HttpClient http, Process process, Func<Health, bool> condition, string what)
    {
        using var safety = new CancellationTokenSource(PollSafety);
        var last = "no answer yet";
        try
        {
            while (true)
            {
                Assert.False(process.HasExited, $"groupguard exited while the test waited for {what}");
                try
                {
                    using var response = await http.GetAsync("/healthz", safety.Token);
                    last = await response.Content.ReadAsStringAsync(safety.Token);
                    using var body = JsonDocument.Parse(last);
                    var health = new Health(response.StatusCode, body.RootElement.Clone());
                    if (condition(health))
                    {
                        return health;
                    }
                }
                catch (HttpRequestException ex)
                {
                    last = "not listening yet: " + ex.Message;
                }
                catch (JsonException)
                {
                    // Not the health document (yet): ask again.
                }

                await Task.Delay(PollInterval, safety.Token);
            }
        }
        catch (OperationCanceledException) when (safety.IsCancellationRequested)
        {
            Assert.Fail($"groupguard's /healthz did not show {what} within {PollSafety} (the safety timeout); last: {last}");
            throw;
        }
    }

    /// <summary>
    /// kill -9 <paramref name="processes"/> at a moment when <paramref name="settled"/> holds while
    /// they are frozen: the test's way of killing "between" two things a service does on its own
    /// clock (a digest every few seconds), where when the kill lands would otherwise decide what
    /// the test sees. The check runs until it holds, then the processes are stopped where they
    /// stand (SIGSTOP, every thread seen stopped) and it runs again: nothing of theirs can move
    /// now, so what it sees is what the kill leaves. If it no longer holds they go on (SIGCONT)
    /// and it starts over. The safety timeout only turns a hang into a failure.
    /// </summary>
    public static async Task KillWhenSettledAsync(Func<CancellationToken, Task<bool>> settled, string what, params Process[] processes)
    {
        using var safety = new CancellationTokenSource(PollSafety);
        try
        {
            while (true)
            {
                while (!await settled(safety.Token))
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(50), safety.Token);
                }

                await SignalAsync("-STOP", processes);
                while (!processes.All(AllThreadsStopped))
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(10), safety.Token);
                }

                if (await settled(safety.Token))
                {
                    break;
                }

                await SignalAsync("-CONT", processes);
            }
        }
        catch (OperationCanceledException) when (safety.IsCancellationRequested)
        {
            Assert.Fail($"{what} did not hold with the processes frozen within {PollSafety} (the safety timeout)");
        }

        foreach (var process in processes)
        {
            process.Kill(); // kill -9: a stopped process dies as it stands
        }

        await Task.WhenAll(processes.Select(p => p.WaitForExitAsync()));
    }

    /// <summary>
    /// Stops <paramref name="process"/> as a service manager does (SIGTERM) and waits up to a minute
    /// for it to exit: what it logged is then written out, and its exit code is its own.
    /// </summary>
    public static async Task StopAsync(Process process)
    {
        await SignalAsync("-TERM", [process]);
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(patience.Token);
    }

    private static async Task SignalAsync(string signal, IEnumerable<Process> processes)
    {
        using var kill = Process.Start("kill", [signal, .. processes.Select(p => p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>True once every thread of <paramref name="process"/> has stopped (SIGSTOP reaches each in its own time).</summary>
    private static bool AllThreadsStopped(Process process)
    {
        foreach (var task in Directory.EnumerateDirectories($"/proc/{process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)}/task"))
        {
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(task, "stat"));
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or IOException)
            {
                continue; // the thread ended
            }

            // "tid (name) state …": the name may hold spaces and parentheses.
            if (stat[(stat.LastIndexOf(')') + 1)..].TrimStart()[0] is not ('T' or 't' or 'Z' or 'X'))
            {
                return false;
            }
        }

        return true;
    }

    public static Task WaitHealthyAsync(HttpClient http, Process process) =>
        HealthAsync(http, process, h => h.Status == HttpStatusCode.OK, "a healthy start");

    public static Task WaitProcessedAsync(HttpClient http, Process process, int messages) =>
        HealthAsync(http, process, h => h.Body.GetProperty("pipeline").GetProperty("processed").GetInt64() >= messages, $"{messages} messages processed");
}
