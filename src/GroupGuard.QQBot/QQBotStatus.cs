using GroupGuard.Core;
using Microsoft.Extensions.Options;

namespace GroupGuard.QQBot;

/// <summary>
/// The webhook as a connection on <c>/healthz</c>: the platform holds no socket to GroupGuard, but an
/// operator wants the same answers: is it set up, when did the last verified delivery come, and
/// what went wrong last (a token the platform refused, deliveries whose signature did not verify).
/// Listed only when the AppID and AppSecret are set.
/// </summary>
internal sealed class QQBotStatus(IOptionsMonitor<QQBotOptions> options, TimeProvider time) : IConnectionStatus
{
    private readonly Lock _lock = new();
    private DateTimeOffset? _since;
    private DateTimeOffset? _lastEventAt;
    private string? _tokenError;
    private string? _deliveryError;

    public IReadOnlyList<ConnectionState> Connections
    {
        get
        {
            var current = options.CurrentValue;
            if (!current.IsConfigured)
            {
                return [];
            }

            lock (_lock)
            {
                // A refused delivery shows as the last error but does not mark the webhook down:
                // anyone can post a forged one, and the platform's deliveries go on regardless.
                return [new ConnectionState(Protocol.QQBot, $"webhook {current.Path}", current.AppId, _tokenError is null, _since, _lastEventAt, _tokenError ?? _deliveryError)
                {
                    LastErrorKind = _tokenError is not null ? ConnectionErrorKind.AccessTokenFailed : _deliveryError is not null ? ConnectionErrorKind.DeliveryRefused : null,
                }];
            }
        }
    }

    /// <summary>A delivery whose signature verified.</summary>
    public void Delivered() => Update(() =>
    {
        _lastEventAt = time.GetUtcNow();
        _deliveryError = null;
    });

    /// <summary>A delivery refused for its signature or timestamp: a wrong AppSecret or clock shows here.</summary>
    public void Refused(string reason) => Update(() => _deliveryError = $"last delivery refused: {reason}");

    public void TokenFetched() => Update(() => _tokenError = null);

    public void TokenFailed(string reason) => Update(() => _tokenError = $"access token: {reason}");

    private void Update(Action change)
    {
        lock (_lock)
        {
            var wasUp = _tokenError is null;
            change();
            var isUp = _tokenError is null;
            if (_since is null || wasUp != isUp)
            {
                _since = time.GetUtcNow();
            }
        }
    }
}
