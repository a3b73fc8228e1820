using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GroupGuard.Host.Tests;

/// <summary>
/// The published service under systemd (Type=notify): it says READY=1 only once it serves (the
/// schema migrated, the rules loaded, the journal open), STOPPING=1 when told to stop, and logs with
/// journald's priority prefixes. systemd is played by a copy of the system shell named "systemd"
/// (the service knows its manager by its parent's name) and a notify socket of the test's own.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SystemdTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Under_systemd_the_service_notifies_ready_once_it_serves_and_stopping_when_it_stops()
    {
        using var service = new GroupGuardFactory();
        var shell = _folder.File("systemd");
        File.Copy("/bin/sh", shell);
        File.SetUnixFileMode(shell, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        var socketPath = _folder.File("notify.sock");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(socketPath));

        var environment = StartupAndHealthTests.Environment(service);
        environment["NOTIFY_SOCKET"] = socketPath;
        using var http = new HttpClient { BaseAddress = new Uri(environment["ASPNETCORE_URLS"]) };
        using var manager = GroupGuardProcess.StartUnder(shell, service.Folder, environment);
        var stdout = manager.StandardOutput.ReadToEndAsync();
        var stderr = manager.StandardError.ReadToEndAsync();
        try
        {
            Assert.Equal("READY=1", await ReceiveAsync(notify));

            // Ready means serving: the very first request after the notice is answered healthy.
            var health = await http.GetAsync("/healthz");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);

            using (var term = System.Diagnostics.Process.Start("kill", ["-TERM", ServicePid(manager.Id).ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            Assert.Equal("STOPPING=1", await ReceiveAsync(notify));
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await manager.WaitForExitAsync(patience.Token);
        }
        finally
        {
            if (!manager.HasExited)
            {
                manager.Kill(entireProcessTree: true);
            }
        }

        Assert.Equal(0, manager.ExitCode);
        var log = (await stdout + await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(log);
        Assert.Contains(log, line => line.StartsWith("<6>", StringComparison.Ordinal)); // information, as journald reads it
        Assert.DoesNotContain(GroupGuardFactory.Secret, string.Join('\n', log), StringComparison.Ordinal);
    }

    /// <summary>The next notice on the socket (the safety timeout only turns a hang into a failure).</summary>
    private static async Task<string> ReceiveAsync(Socket socket)
    {
        using var safety = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var buffer = new byte[4096];
        var length = await socket.ReceiveAsync(buffer, SocketFlags.None, safety.Token);
        return Encoding.UTF8.GetString(buffer, 0, length).Trim();
    }

    /// <summary>The service: the shell's one child.</summary>
    private static int ServicePid(int shellPid) =>
        int.Parse(File.ReadAllText($"/proc/{shellPid}/task/{shellPid}/children").Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
}
