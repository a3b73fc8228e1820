using GroupGuard.Core.Digests;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupGuard.Channels;

/// <summary>One channel per configured name, built once from the validated options.</summary>
internal sealed class DigestChannelRegistry : IDigestChannels
{
    private readonly Dictionary<string, IDigestChannel> _channels = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _names = [];

    public DigestChannelRegistry(
        IOptions<DigestChannelsOptions> options,
        ChannelHttp http,
        TimeProvider time,
        Func<IPrivateMessenger?> messenger,
        ILoggerFactory loggerFactory)
    {
        foreach (var (name, settings) in options.Value.Channels)
        {
            var logger = loggerFactory.CreateLogger($"GroupGuard.Channels.{settings.Type}");
            IDigestChannel channel = settings switch
            {
                WeComChannelOptions wecom => new WeComChannel(name, wecom, http, logger),
                DingTalkChannelOptions dingtalk => new DingTalkChannel(name, dingtalk, http, time, logger),
                FeishuChannelOptions feishu => new FeishuChannel(name, feishu, http, time, logger),
                EmailChannelOptions email => new EmailChannel(name, email, time, logger),
                OneBotChannelOptions onebot => new OneBotChannel(name, onebot, messenger, logger),
                FileChannelOptions file => new FileChannel(name, file, logger),
                // The validator refuses unknown types at start; this is a programming error.
                _ => throw new InvalidOperationException($"{DigestChannelsOptions.Section}:{name}:Type '{settings.Type}' has no channel"),
            };
            _channels.Add(name, channel);
            _names.Add(name);
        }
    }

    public IReadOnlyCollection<string> Names => _names;

    public IDigestChannel? Get(string name) => _channels.GetValueOrDefault(name);
}
