using System.Net;
using System.Net.Sockets;
using GroupGuard.Core;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host.WebConsole;

/// <summary>
/// At most <see cref="ConsoleOptions.SignInAttemptsPerMinute"/> sign-in attempts per client address
/// in a minute (from the address's first attempt), on the injected clock: each attempt at a name
/// without an account costs a full password hash (so that its timing does not tell which names
/// exist), and a loop of them took the processor from moderation. An IPv6 address counts by its
/// /64, which one client usually holds whole. At most <see cref="MaxAddresses"/> addresses are told
/// apart; past that (many addresses within a minute), the new ones share one allowance. Behind a
/// reverse proxy every client has the proxy's address, and they share one allowance too, unless the
/// proxy is one of <see cref="ConsoleOptions.TrustedProxies"/> (<see cref="ClientOf"/>).
/// </summary>
/// <remarks>
/// Not ASP.NET Core's rate limiter: its windows run on the machine's clock, which a test cannot
/// move, and the injected clock is the rule here. Public only for the sign-in page's constructor.
/// </remarks>
public sealed partial class SignInLimiter(IOptionsMonitor<ConsoleOptions> options, TimeProvider time, ILogger<SignInLimiter> logger)
{
    public const int MaxAddresses = 10_000;

    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly Dictionary<string, Allowance> _addresses = new(StringComparer.Ordinal);
    private readonly Allowance _shared = new();
    private readonly LogThrottle _log = new(time);
    private readonly Lock _lock = new();

    // No window of those kept ends before this: a full table is swept only once one may have.
    private DateTimeOffset _sweepNotBefore = DateTimeOffset.MinValue;

    /// <summary>How many addresses are told apart now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _addresses.Count;
            }
        }
    }

    /// <summary>
    /// Counts an attempt from <paramref name="address"/>: null when it may go on, else how long
    /// until that address may try again (the attempt is not counted).
    /// </summary>
    public TimeSpan? TryAttempt(IPAddress? address)
    {
        var now = time.GetUtcNow();
        var limit = options.CurrentValue.SignInAttemptsPerMinute;
        var key = Key(address);
        TimeSpan? wait;
        lock (_lock)
        {
            var allowance = Find(key, now);
            if (now - allowance.Start >= Window)
            {
                (allowance.Start, allowance.Count) = (now, 0);
            }

            if (allowance.Count < limit)
            {
                allowance.Count++;
                return null;
            }

            wait = allowance.Start + Window - now;
        }

        if (_log.Occurred("refused") is > 0 and var refused)
        {
            LogRefused(logger, key, refused);
        }

        return wait;
    }

    /// <summary>
    /// The client a sign-in (or any console action) comes from: the connection's address, or, when
    /// that is one of <see cref="ConsoleOptions.TrustedProxies"/> and the request carries
    /// <c>X-Forwarded-For</c> (deploy/nginx.md), the address that proxy appended last, which its
    /// client cannot forge. Otherwise every client behind the proxy would share one allowance, and
    /// ten wrong passwords a minute from anyone would keep every administrator out. Without the
    /// setting nobody's header is believed: any process on this machine (or a page a browser on it
    /// was rebound to) could otherwise name a new address at each try, escaping the limit, and
    /// write any address it liked into the audit log.
    /// </summary>
    public static IPAddress? ClientOf(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var peer = context.Connection.RemoteIpAddress;
        var trusted = context.RequestServices.GetService<IOptionsMonitor<ConsoleOptions>>()?.CurrentValue.TrustedProxyAddresses() ?? [];
        if (peer is null || !trusted.Contains(Plain(peer)))
        {
            return peer;
        }

        var forwarded = context.Request.Headers["X-Forwarded-For"].ToString();
        var last = forwarded.Length is > 0 and <= 4096 ? forwarded[(forwarded.LastIndexOf(',') + 1)..].Trim() : "";
        if (IPAddress.TryParse(last, out var client))
        {
            return client;
        }

        return IPEndPoint.TryParse(last, out var withPort) ? withPort.Address : peer; // "1.2.3.4:5678"
    }

    /// <summary>An IPv4-mapped IPv6 address as the IPv4 one; any other as it is.</summary>
    internal static IPAddress Plain(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    /// <summary>The address as it is counted: IPv4 as it is (an IPv4-mapped IPv6 address too), IPv6 by its /64.</summary>
    public static string Key(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6 || IPAddress.IsLoopback(address))
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    private Allowance Find(string key, DateTimeOffset now)
    {
        if (_addresses.TryGetValue(key, out var known))
        {
            return known;
        }

        if (_addresses.Count >= MaxAddresses && now >= _sweepNotBefore)
        {
            var oldest = DateTimeOffset.MaxValue;
            foreach (var (address, allowance) in _addresses)
            {
                if (now - allowance.Start >= Window)
                {
                    _addresses.Remove(address);
                }
                else if (allowance.Start < oldest)
                {
                    oldest = allowance.Start;
                }
            }

            _sweepNotBefore = oldest == DateTimeOffset.MaxValue ? now : oldest + Window;
        }

        if (_addresses.Count >= MaxAddresses)
        {
            return _shared;
        }

        var added = new Allowance { Start = now };
        _addresses[key] = added;
        return added;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Console sign-in attempts refused past GroupGuard:Console:SignInAttemptsPerMinute, the latest from {Address} ({Count} since the last report)")]
    private static partial void LogRefused(ILogger logger, string address, long count);

    private sealed class Allowance
    {
        public DateTimeOffset Start;
        public int Count;
    }
}
