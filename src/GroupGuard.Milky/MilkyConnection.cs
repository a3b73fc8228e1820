using System.Globalization;
using GroupGuard.Core;
using Microsoft.Extensions.Options;

namespace GroupGuard.Milky;

/// <summary>
/// One configured implementation: where its API and event stream are, and how its stream stands
/// (for <c>/healthz</c>) and which bot it serves (for routing actions). A stream whose
/// implementation said <c>bot_offline</c> shows down, with the reason, until another event comes:
/// the implementation is there, but its account hears nothing.
/// </summary>
internal sealed class MilkyConnection
{
    private readonly Lock _lock = new();
    private string? _botId;
    private bool _connected;
    private DateTimeOffset? _since;
    private DateTimeOffset? _lastEventAt;
    private string? _lastError;
    private ConnectionErrorKind? _lastErrorKind;
    private string? _offline;

    public MilkyConnection(int index, MilkyConnectionOptions options)
    {
        Index = index;
        BaseUrl = (options.Url ?? "").TrimEnd('/');
        Token = string.IsNullOrEmpty(options.AccessToken) ? null : options.AccessToken;
        EventStream = options.EventStream;
        var key = $"{MilkyOptions.Section}:{nameof(MilkyOptions.Connections)}:{index.ToString(CultureInfo.InvariantCulture)}";
        UrlSetting = $"{key}:{nameof(MilkyConnectionOptions.Url)}";
        TokenSetting = $"{key}:{nameof(MilkyConnectionOptions.AccessToken)}";
    }

    public int Index { get; }

    /// <summary>The configured URL without a trailing slash: also its name on <c>/healthz</c> (it never holds a token).</summary>
    public string BaseUrl { get; }

    public string? Token { get; }

    public bool EventStream { get; }

    public string UrlSetting { get; }

    public string TokenSetting { get; }

    public string? BotId
    {
        get
        {
            lock (_lock)
            {
                return _botId;
            }
        }
    }

    public Uri Api(string api) => new($"{BaseUrl}/api/{api}");

    /// <summary><c>{Url}/event</c> as <c>ws(s)://</c> or <c>http(s)://</c>, with the token also as <c>access_token</c>: Lagrange.Milky reads only the query.</summary>
    public Uri Events(bool webSocket)
    {
        var builder = new UriBuilder(BaseUrl + "/event");
        if (webSocket)
        {
            builder.Scheme = builder.Scheme == Uri.UriSchemeHttps ? Uri.UriSchemeWss : Uri.UriSchemeWs;
        }

        if (Token is not null)
        {
            builder.Query = "access_token=" + Uri.EscapeDataString(Token);
        }

        return builder.Uri;
    }

    public void Learned(string? botId)
    {
        if (botId is null)
        {
            return;
        }

        lock (_lock)
        {
            _botId = botId;
        }
    }

    public void Up(DateTimeOffset now)
    {
        lock (_lock)
        {
            if (_offline is null || _since is null)
            {
                _since = now;
            }

            _connected = true;
            _lastError = null;
            _lastErrorKind = null;
        }
    }

    public void Down(DateTimeOffset now, string error, ConnectionErrorKind? kind)
    {
        lock (_lock)
        {
            if ((_connected && _offline is null) || _since is null)
            {
                _since = now;
            }

            _connected = false;
            _lastError = error;
            _lastErrorKind = kind;
        }
    }

    /// <summary>An event other than <c>bot_offline</c>: the account hears again, if it did not.</summary>
    public void EventArrived(DateTimeOffset now, string? botId)
    {
        lock (_lock)
        {
            _lastEventAt = now;
            _botId = botId ?? _botId;
            if (_offline is not null)
            {
                _offline = null;
                _since = _connected ? now : _since;
            }
        }
    }

    /// <summary>
    /// A <c>bot_offline</c>: the stream is there but the account is logged out (<paramref name="reason"/>,
    /// e.g. 账号在其他设备登录). Shown as down, with the reason, until <see cref="EventArrived"/>;
    /// a reconnect of the stream does not end it (nothing says the account is back).
    /// </summary>
    public void BotOffline(DateTimeOffset now, string? botId, string reason)
    {
        lock (_lock)
        {
            _lastEventAt = now;
            _botId = botId ?? _botId;
            if (_offline is null && _connected)
            {
                _since = now;
            }

            _offline = $"the implementation says bot {_botId ?? "(unknown)"} is offline: {reason}";
        }
    }

    public ConnectionState Snapshot()
    {
        lock (_lock)
        {
            // While the stream is down its own error says more; once it is up again, the account's state does.
            var accountFirst = _connected ? _offline is not null : _lastError is null;
            var (error, kind) = accountFirst && _offline is not null ? (_offline, ConnectionErrorKind.BotOffline) : (_lastError, _lastErrorKind);
            return new ConnectionState(Protocol.Milky, BaseUrl, _botId, _connected && _offline is null, _since, _lastEventAt, error) { LastErrorKind = error is null ? null : kind };
        }
    }
}

/// <summary>Every configured implementation, read once at start (a change of <c>Connections</c> needs a restart).</summary>
internal sealed class MilkyConnections(IOptions<MilkyOptions> options) : IConnectionStatus
{
    private readonly Lazy<IReadOnlyList<MilkyConnection>> _all = new(() =>
        [.. options.Value.Connections.Select((c, i) => new MilkyConnection(i, c ?? new MilkyConnectionOptions()))]);

    public IReadOnlyList<MilkyConnection> All => _all.Value;

    /// <summary>The event streams as they stand; entries that serve only the API hold no connection.</summary>
    public IReadOnlyList<ConnectionState> Connections => [.. All.Where(c => c.EventStream).Select(c => c.Snapshot())];
}
