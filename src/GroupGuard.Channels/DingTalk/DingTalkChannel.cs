using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using GroupGuard.Core.Digests;
using Microsoft.Extensions.Logging;

namespace GroupGuard.Channels;

/// <summary>
/// Posts the Markdown digest to a DingTalk custom robot, signed with the robot's secret (the
/// timestamp comes from the injected clock and must be within an hour of DingTalk's). A digest
/// longer than a DingTalk markdown message is split on line ends into parts sent in order; a retry
/// starts after the parts delivered (<see cref="DeliveredParts"/>).
/// </summary>
internal sealed class DingTalkChannel : IDigestChannel
{
    /// <summary>DingTalk's markdown text limit is about 20,000 characters.</summary>
    public const int MaxTextChars = 20_000;

    private readonly Uri _url;
    private readonly string _secret;
    private readonly ChannelHttp _http;
    private readonly TimeProvider _time;
    private readonly SecretScrubber _scrubber;
    private readonly ILogger _logger;

    public DingTalkChannel(string name, DingTalkChannelOptions options, ChannelHttp http, TimeProvider time, ILogger logger)
    {
        Name = name;
        var url = new Uri(options.Url!, UriKind.Absolute);
        _url = url;
        _secret = options.Secret!;
        _http = http;
        _time = time;
        _scrubber = SecretScrubber.ForUrl(url, _secret);
        _logger = logger;
    }

    public string Name { get; }

    public string Type => ChannelTypes.DingTalk;

    public async Task SendAsync(DigestDocument digest, DeliveredParts delivered, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(digest);
        ArgumentNullException.ThrowIfNull(delivered);
        var parts = MessageSplitter.Split(MessageSplitter.Sanitize(digest.Markdown), MaxTextChars, MessageSplitter.Utf16Chars);
        var title = MessageSplitter.Sanitize(digest.Title);
        for (var i = delivered.Count; i < parts.Count; i++)
        {
            var what = RobotAnswer.Describe(Type, Name, i, parts.Count);
            var partTitle = parts.Count == 1
                ? title
                : string.Create(CultureInfo.InvariantCulture, $"{title} ({i + 1}/{parts.Count})");
            var body = ChannelHttp.Serialize(new { msgtype = "markdown", markdown = new { title = partTitle, text = parts[i] } });
            var answer = await _http.PostJsonAsync(SignedUrl(), body, what, _scrubber, cancellationToken).ConfigureAwait(false);
            RobotAnswer.EnsureSuccess(answer, what, _scrubber, Hint, ("errcode", "errmsg"));
            await delivered.AddAsync().ConfigureAwait(false);
        }

        _logger.DigestSent(digest.Leader, Type, Name, parts.Count);
    }

    /// <summary><c>urlencode(base64(HmacSHA256(key=secret, msg=timestamp+"\n"+secret)))</c>.</summary>
    public static string Sign(long timestampMilliseconds, string secret)
    {
        var message = string.Create(CultureInfo.InvariantCulture, $"{timestampMilliseconds}\n{secret}");
        var hash = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(message));
        return Uri.EscapeDataString(Convert.ToBase64String(hash));
    }

    private Uri SignedUrl()
    {
        var timestamp = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var builder = new UriBuilder(_url) { Fragment = "" };
        var query = builder.Query.TrimStart('?');
        var signature = string.Create(CultureInfo.InvariantCulture, $"timestamp={timestamp}&sign={Sign(timestamp, _secret)}");
        builder.Query = query.Length == 0 ? signature : $"{query}&{signature}";
        return builder.Uri;
    }

    private static string? Hint(long errcode) => errcode switch
    {
        310000 => "the signature, keyword or IP check failed: check Secret, the server clock and the robot's security settings",
        300001 => "the access_token is not valid: copy the robot's address again",
        130101 or 410100 => "rate limit: a DingTalk robot takes at most 20 messages a minute",
        _ => null,
    };
}
