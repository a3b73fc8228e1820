using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GroupGuard.Channels.Tests.Support;

/// <summary>
/// An SMTP server on loopback, without TLS, that speaks just enough (EHLO, AUTH PLAIN/LOGIN,
/// MAIL FROM, RCPT TO, DATA, RSET, NOOP, QUIT) and records each message it accepts.
/// </summary>
internal sealed class SmtpSink : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Task _loop;
    private readonly CancellationTokenSource _stop = new();

    public SmtpSink()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public ConcurrentQueue<ReceivedMail> Messages { get; } = new();

    /// <summary>Every login attempted, as (user, password).</summary>
    public ConcurrentQueue<(string User, string Password)> Logins { get; } = new();

    /// <summary>Every command's verb (EHLO, STARTTLS, AUTH, ...), in the order received.</summary>
    public ConcurrentQueue<string> Commands { get; } = new();

    public Func<string, bool> AcceptRecipient { get; set; } = static _ => true;

    public bool AcceptLogin { get; set; } = true;

    /// <summary>The sink answers QUIT once this task ends: a server slow to say goodbye.</summary>
    public Task HoldQuit { get; set; } = Task.CompletedTask;

    /// <summary>Ends when a client sends QUIT, i.e. after the server took its mail.</summary>
    public Task QuitReceived => _quit.Task;

    private readonly TaskCompletionSource _quit = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Advertises STARTTLS (as many local relays do) but cannot do it: a client that asks fails.</summary>
    public bool OfferStartTls { get; set; }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => SessionAsync(client));
        }
    }

    private async Task SessionAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.Latin1);
            using var writer = new StreamWriter(stream, Encoding.Latin1) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 sink ESMTP ready");

            string? from = null;
            var recipients = new List<string>();
            string? user = null;
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                var argument = line.Length > verb.Length ? line[(verb.Length + 1)..] : "";
                Commands.Enqueue(verb);
                switch (verb)
                {
                    case "EHLO":
                        await writer.WriteLineAsync("250-sink greets you");
                        if (OfferStartTls)
                        {
                            await writer.WriteLineAsync("250-STARTTLS");
                        }

                        await writer.WriteLineAsync("250 AUTH PLAIN LOGIN");
                        break;
                    case "HELO":
                        await writer.WriteLineAsync("250 sink");
                        break;
                    case "AUTH":
                        var login = await AuthenticateAsync(argument, reader, writer);
                        user = login?.User;
                        if (login is { } l)
                        {
                            Logins.Enqueue(l);
                        }

                        await writer.WriteLineAsync(login is not null && AcceptLogin ? "235 2.7.0 Authentication successful" : "535 5.7.8 Authentication credentials invalid");
                        break;
                    case "MAIL":
                        from = Address(argument);
                        recipients.Clear();
                        await writer.WriteLineAsync("250 2.1.0 OK");
                        break;
                    case "RCPT":
                        var to = Address(argument);
                        if (AcceptRecipient(to))
                        {
                            recipients.Add(to);
                            await writer.WriteLineAsync("250 2.1.5 OK");
                        }
                        else
                        {
                            await writer.WriteLineAsync("550 5.1.1 mailbox unavailable");
                        }

                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                        var data = new StringBuilder();
                        while (await reader.ReadLineAsync(_stop.Token) is { } dataLine && dataLine != ".")
                        {
                            data.Append(dataLine.StartsWith("..", StringComparison.Ordinal) ? dataLine[1..] : dataLine).Append("\r\n");
                        }

                        Messages.Enqueue(new ReceivedMail(from ?? "", [.. recipients], data.ToString(), user));
                        await writer.WriteLineAsync("250 2.0.0 queued");
                        break;
                    case "RSET":
                        from = null;
                        recipients.Clear();
                        await writer.WriteLineAsync("250 2.0.0 OK");
                        break;
                    case "STARTTLS":
                        await writer.WriteLineAsync("454 4.7.0 TLS not available");
                        break;
                    case "NOOP":
                        await writer.WriteLineAsync("250 2.0.0 OK");
                        break;
                    case "QUIT":
                        _quit.TrySetResult();
                        await HoldQuit.WaitAsync(_stop.Token);

                        await writer.WriteLineAsync("221 2.0.0 bye");
                        return;
                    default:
                        await writer.WriteLineAsync("502 5.5.2 command not recognised");
                        break;
                }
            }
        }
        catch (Exception exception) when (exception is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The client hung up (a TLS client, a refused login) or the sink is stopping.
        }
    }

    private async Task<(string User, string Password)?> AuthenticateAsync(string argument, StreamReader reader, StreamWriter writer)
    {
        var parts = argument.Split(' ', 2);
        var mechanism = parts[0].ToUpperInvariant();
        var initial = parts.Length > 1 ? parts[1] : null;
        if (mechanism == "PLAIN")
        {
            if (initial is null)
            {
                await writer.WriteLineAsync("334 ");
                initial = await reader.ReadLineAsync(_stop.Token);
            }

            var fields = Decode(initial).Split('\0');
            return fields.Length == 3 ? (fields[1], fields[2]) : null;
        }

        if (mechanism == "LOGIN")
        {
            if (initial is null)
            {
                await writer.WriteLineAsync("334 VXNlcm5hbWU6");
                initial = await reader.ReadLineAsync(_stop.Token);
            }

            var user = Decode(initial);
            await writer.WriteLineAsync("334 UGFzc3dvcmQ6");
            var password = Decode(await reader.ReadLineAsync(_stop.Token));
            return (user, password);
        }

        return null;
    }

    private static string Decode(string? base64) => Encoding.UTF8.GetString(Convert.FromBase64String(base64 ?? ""));

    private static string Address(string argument)
    {
        var start = argument.IndexOf('<', StringComparison.Ordinal);
        var end = argument.IndexOf('>', StringComparison.Ordinal);
        return start >= 0 && end > start ? argument[(start + 1)..end] : argument;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}

internal sealed record ReceivedMail(string From, IReadOnlyList<string> To, string Data, string? User);
