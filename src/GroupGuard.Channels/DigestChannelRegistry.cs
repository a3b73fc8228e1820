using GroupGuard.Core.Digests;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupGuard.Channels;

/// <summary>
/// One channel per configured name, built from the validated options, and built again when
/// <c>GroupGuard:Channels</c> changes (a channel added for a leader, a robot's address replaced
/// after its key leaked): a send started before keeps the channel it began with.
/// </summary>
internal sealed partial class DigestChannelRegistry : IDigestChannels, IDisposable
{
    private readonly ChannelHttp _http;
    private readonly TimeProvider _time;
    private readonly Func<IPrivateMessenger?> _messenger;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly IDisposable? _subscription;
    private volatile Built _built;

    /// <param name="settingsNow">
    /// What the channels' settings say now, as text to compare (the configuration's keys and values):
    /// a reload of other settings leaves the channels as they are; null compares nothing.
    /// </param>
    public DigestChannelRegistry(
        IOptionsMonitor<DigestChannelsOptions> options,
        ChannelHttp http,
        TimeProvider time,
        Func<IPrivateMessenger?> messenger,
        ILoggerFactory loggerFactory,
        Func<string>? settingsNow = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        (_http, _time, _messenger, _loggerFactory) = (http, time, messenger, loggerFactory);
        _logger = loggerFactory.CreateLogger<DigestChannelRegistry>();
        var builtFrom = settingsNow?.Invoke();
        _built = Build(options.CurrentValue);
        _subscription = options.OnChange(changed =>
        {
            var now = settingsNow?.Invoke();
            if (now is not null && now == builtFrom)
            {
                return;
            }

            try
            {
                _built = Build(changed);
                builtFrom = now;
                LogRebuilt(_logger, _built.Names.Count);
            }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
            {
                LogNotRebuilt(_logger, ex);
            }
        });
    }

    public IReadOnlyCollection<string> Names => _built.Names;

    public IDigestChannel? Get(string name) => _built.Channels.GetValueOrDefault(name);

    public void Dispose() => _subscription?.Dispose();

    private Built Build(DigestChannelsOptions options)
    {
        var channels = new Dictionary<string, IDigestChannel>(StringComparer.OrdinalIgnoreCase);
        var names = new List<string>();
        foreach (var (name, settings) in options.Channels)
        {
            var logger = _loggerFactory.CreateLogger($"GroupGuard.Channels.{settings.Type}");
            IDigestChannel channel = settings switch
            {
                WeComChannelOptions wecom => new WeComChannel(name, wecom, _http, logger),
                DingTalkChannelOptions dingtalk => new DingTalkChannel(name, dingtalk, _http, _time, logger),
                FeishuChannelOptions feishu => new FeishuChannel(name, feishu, _http, _time, logger),
                EmailChannelOptions email => new EmailChannel(name, email, _time, logger),
                OneBotChannelOptions onebot => new OneBotChannel(name, onebot, _messenger, logger),
                FileChannelOptions file => new FileChannel(name, file, logger),
                // The validator refuses unknown types; this is a programming error.
                _ => throw new InvalidOperationException($"{DigestChannelsOptions.Section}:{name}:Type '{settings.Type}' has no channel"),
            };
            channels.Add(name, channel);
            names.Add(name);
        }

        return new Built(channels, names);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "GroupGuard:Channels changed: {Count} channels built again; sends from now on use them")]
    private static partial void LogRebuilt(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "GroupGuard:Channels changed but could not be built; the channels before stay in force")]
    private static partial void LogNotRebuilt(ILogger logger, Exception ex);

    private sealed record Built(Dictionary<string, IDigestChannel> Channels, List<string> Names);
}
