using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using GroupGuard.Core;

namespace GroupGuard.Images;

/// <summary>What running a program came to.</summary>
/// <param name="ExitCode">Its exit code; null when it did not start or was killed.</param>
/// <param name="Output">What it wrote to its standard output, up to the characters asked for.</param>
/// <param name="Error">What it wrote to its standard error, cut short.</param>
/// <param name="TimedOut">It ran past its time and was killed, with every process it started.</param>
/// <param name="StartFailure">Why it could not be started (not found, not executable); null when it started.</param>
internal readonly record struct ChildResult(int? ExitCode, string Output, string? Error, bool TimedOut, string? StartFailure)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut;
}

/// <summary>
/// Runs a program as a child process without a shell: its arguments passed one by one, the input
/// written to its standard input (then closed), its standard output read as UTF-8, all within a
/// time after which it is killed, the processes it started included. Nothing is written to disk.
/// </summary>
internal static class ChildProcess
{
    private const int MaxErrorChars = 4000;

    /// <summary>
    /// Runs <paramref name="fileName"/> (a name looked up on <c>PATH</c>, or a path). Output past
    /// <paramref name="maxOutputChars"/> is read and dropped, so the program never blocks on a full
    /// pipe. Throws only <see cref="OperationCanceledException"/>, when
    /// <paramref name="cancellationToken"/> is (the program is killed first).
    /// </summary>
    public static async Task<ChildResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        ReadOnlyMemory<byte> input,
        IReadOnlyDictionary<string, string> environment,
        TimeSpan timeout,
        TimeProvider time,
        int maxOutputChars,
        CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
            CreateNoWindow = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = new Process { StartInfo = start };
        try
        {
            if (!process.Start())
            {
                return new ChildResult(null, "", null, false, "it did not start");
            }
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException or PlatformNotSupportedException)
        {
            return new ChildResult(null, "", null, false, ex.Message);
        }

        using var timer = new Deadline(timeout, time, cancellationToken);

        // Read and written side by side: a program that writes as it reads must not fill a pipe
        // nobody empties. These end when the pipes close, at the latest when the program is killed.
        var output = ReadAsync(process.StandardOutput, maxOutputChars);
        var error = ReadAsync(process.StandardError, MaxErrorChars);
        var feed = FeedAsync(process.StandardInput, input);
        try
        {
            await process.WaitForExitAsync(timer.Token).ConfigureAwait(false);

            // A process it left behind may hold the pipes open: the time still counts.
            await Task.WhenAll(output, error, feed).WaitAsync(timer.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested)
        {
            await KillAsync(process).ConfigureAwait(false);
            await Task.WhenAll(output, error, feed).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            cancellationToken.ThrowIfCancellationRequested();
            return new ChildResult(null, "", null, true, null);
        }

        return new ChildResult(process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false), false, null);
    }

    /// <summary>Kills the program and every process it started, and waits for the program to be gone.</summary>
    private static async Task KillAsync(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception or NotSupportedException or AggregateException)
        {
            // Gone already, or a descendant went first: nothing left to kill.
        }

        // SIGKILL cannot be caught: the wait is short, and bounded all the same.
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A process stuck in the kernel; it is left to the system.
        }
    }

    private static async Task FeedAsync(StreamWriter stdin, ReadOnlyMemory<byte> input)
    {
        try
        {
            await using (stdin.ConfigureAwait(false))
            {
                await stdin.BaseStream.WriteAsync(input).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // It stopped reading (exited, or was killed): its exit says why.
        }
    }

    private static async Task<string> ReadAsync(StreamReader reader, int maxChars)
    {
        var kept = new StringBuilder();
        var buffer = new char[4096];
        try
        {
            int read;
            while ((read = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                var room = maxChars - kept.Length;
                if (room > 0)
                {
                    kept.Append(buffer, 0, Math.Min(read, room));
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The pipe broke: what was read is what there is.
        }

        return kept.ToString();
    }
}
