using System.Globalization;
using GroupGuard.Core;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace GroupGuard.Host;

/// <summary>
/// How many connections the service holds at once, which Kestrel leaves unbounded unless told:
/// each costs memory and a file handle, and a flood of them would starve the inbox journal and the
/// database of handles. Read from the settings Kestrel's documentation names for them, which
/// <c>WebApplication</c> does not bind by itself: <see cref="ConnectionsKey"/> (HTTP connections,
/// the console's and <c>/healthz</c>'s too; a WebSocket counts towards the next once upgraded) and
/// <see cref="UpgradedKey"/> (WebSockets; the reverse endpoint keeps 64 of them and closes the rest
/// with 1013). Past the first a new connection is closed at once (<see cref="ConnectionGate"/>);
/// past the second an upgrade is answered 503.
/// </summary>
internal static class ConnectionLimits
{
    public const string ConnectionsKey = "Kestrel:Limits:MaxConcurrentConnections";
    public const string UpgradedKey = "Kestrel:Limits:MaxConcurrentUpgradedConnections";

    /// <summary>Far more than a few bridges, a reverse proxy's pool and the console's users open.</summary>
    public const long DefaultConnections = 1000;

    /// <summary>Twice the reverse endpoint's 64, so that its own 1013 is what a bot past it meets.</summary>
    public const long DefaultUpgraded = 128;

    public const long Largest = 1_000_000;

    /// <summary>The limits the settings give (their defaults when unset); a bad one goes to <paramref name="failures"/>, naming its key.</summary>
    public static (long Connections, long Upgraded) Read(IConfiguration configuration, List<string> failures) =>
        (Read(configuration, ConnectionsKey, DefaultConnections, failures), Read(configuration, UpgradedKey, DefaultUpgraded, failures));

    /// <summary>
    /// Kestrel's own limit of upgraded connections, and the <see cref="ConnectionGate"/> before every
    /// endpoint in place of its limit of connections, which logs a warning for each one it refuses.
    /// </summary>
    public static void Apply(KestrelServerOptions kestrel, long upgraded)
    {
        kestrel.Limits.MaxConcurrentUpgradedConnections = upgraded;
        kestrel.ConfigureEndpointDefaults(listen => listen.Use(next => listen.ApplicationServices.GetRequiredService<ConnectionGate>().Around(next)));
    }

    private static long Read(IConfiguration configuration, string key, long fallback, List<string> failures)
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        if (long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is >= 1 and <= Largest)
        {
            return value;
        }

        failures.Add($"{key} must be a whole number from 1 to {Largest}, got '{(text.Length > 40 ? text[..40] + "…" : text)}'");
        return fallback;
    }
}

/// <summary>
/// At most <c>limit</c> connections at once, as Kestrel's <c>MaxConcurrentConnections</c> would
/// hold them (one that upgrades to a WebSocket stops counting), but a connection past it is closed
/// and logged as counts (<see cref="LogThrottle"/>): the first, then one line every 10 s at most,
/// where Kestrel logs a warning for each, a line per connection of a flood.
/// </summary>
internal sealed partial class ConnectionGate(long limit, TimeProvider time, ILogger<ConnectionGate> logger)
{
    private readonly LogThrottle _lines = new(time);
    private long _open;

    public ConnectionDelegate Around(ConnectionDelegate next) => connection => RunAsync(next, connection);

    private async Task RunAsync(ConnectionDelegate next, ConnectionContext connection)
    {
        if (Interlocked.Increment(ref _open) > limit)
        {
            Interlocked.Decrement(ref _open);
            if (_lines.Occurred("refused") is > 0 and var count)
            {
                LogRefused(connection.RemoteEndPoint?.ToString(), limit, ConnectionLimits.ConnectionsKey, count);
            }

            // Closed unread, as Kestrel closes one past its own limit.
            await connection.Transport.Input.CompleteAsync();
            await connection.Transport.Output.CompleteAsync();
            return;
        }

        var slot = new Slot(this);
        connection.Features.Set<IDecrementConcurrentConnectionCountFeature>(slot);
        try
        {
            await next(connection);
        }
        finally
        {
            slot.ReleaseConnection();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closed a connection from {Remote}: {Limit} connections are open already ({Setting}) ({Count} closed so since the last such line; one line every 10 s at most)")]
    private partial void LogRefused(string? remote, long limit, string setting, long count);

    /// <summary>One connection's place, given back once: when it closes, or when Kestrel upgrades it (which asks for this feature then).</summary>
    private sealed class Slot(ConnectionGate gate) : IDecrementConcurrentConnectionCountFeature
    {
        private int _released;

        public void ReleaseConnection()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                Interlocked.Decrement(ref gate._open);
            }
        }
    }
}
