using GroupGuard.Core.Digests;
using Microsoft.Extensions.Logging;

namespace GroupGuard.Channels;

/// <summary>
/// Posts the Markdown digest to a WeCom group robot, split into parts of at most 4096 UTF-8 bytes
/// (WeCom's markdown limit), each its own request, in order; a retry starts after the parts
/// delivered (<see cref="DeliveredParts"/>).
/// </summary>
internal sealed class WeComChannel : IDigestChannel
{
    public const int MaxContentBytes = 4096;

    private readonly Uri _url;
    private readonly ChannelHttp _http;
    private readonly SecretScrubber _scrubber;
    private readonly ILogger _logger;

    public WeComChannel(string name, WeComChannelOptions options, ChannelHttp http, ILogger logger)
    {
        Name = name;
        _url = new Uri(options.Url!, UriKind.Absolute);
        _http = http;
        _scrubber = SecretScrubber.ForUrl(_url);
        _logger = logger;
    }

    public string Name { get; }

    public string Type => ChannelTypes.WeCom;

    public async Task SendAsync(DigestDocument digest, DeliveredParts delivered, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(digest);
        ArgumentNullException.ThrowIfNull(delivered);
        var parts = MessageSplitter.Split(MessageSplitter.Sanitize(digest.Markdown), MaxContentBytes, MessageSplitter.Utf8Bytes);
        for (var i = delivered.Count; i < parts.Count; i++)
        {
            var what = RobotAnswer.Describe(Type, Name, i, parts.Count);
            var body = ChannelHttp.Serialize(new { msgtype = "markdown", markdown = new { content = parts[i] } });
            var answer = await _http.PostJsonAsync(_url, body, what, _scrubber, cancellationToken).ConfigureAwait(false);
            RobotAnswer.EnsureSuccess(answer, what, _scrubber, Hint, ("errcode", "errmsg"));
            await delivered.AddAsync().ConfigureAwait(false);
        }

        _logger.DigestSent(digest.Leader, Type, Name, parts.Count);
    }

    private static string? Hint(long errcode) => errcode switch
    {
        45009 => "rate limit: a WeCom robot takes at most 20 messages a minute",
        93000 => "the webhook key is not valid: copy the robot's address again",
        40058 or 44004 => "the message was empty",
        _ => null,
    };
}
