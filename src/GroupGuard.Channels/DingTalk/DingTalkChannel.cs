using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using GroupGuard.Core.Digests;
using Microsoft.Extensions.Logging;

namespace GroupGuard.Channels;

/// <summary>
/// Posts the Markdown digest to a DingTalk custom robot, signed with the robot's secret (the
/// timestamp comes from the injected clock and must be within an hour of DingTalk's). DingTalk
/// refuses a request body over 20,000 bytes (errcode 460101): a longer digest is split on line ends
/// into parts sent in order, each body within <see cref="MaxBodyBytes"/>; a retry starts after the
/// parts delivered (<see cref="DeliveredParts"/>). The title is cut to <see cref="MaxTitleBytes"/>.
/// </summary>
internal sealed class DingTalkChannel : IDigestChannel
{
    /// <summary>
    /// DingTalk's limit is 20,000 bytes of body ("message too long, exceed 20000 bytes"), and a
    /// Chinese character is 3 of them; stay 1,000 bytes under it, in case DingTalk counts a little
    /// differently from the body as sent.
    /// </summary>
    public const int MaxBodyBytes = 19_000;

    /// <summary>
    /// The most a title takes of the body (as escaped JSON, before its "(part/parts)"): a digest's
    /// title is about 70 bytes, but it holds the leader's or rule's name, which has no length limit,
    /// and an unbounded one would leave the text no room.
    /// </summary>
    public const int MaxTitleBytes = 300;

    /// <summary>The longest "(part/parts)" a title gets: the split must not depend on how many parts it makes.</summary>
    private static readonly string LongestPartSuffix = string.Create(CultureInfo.InvariantCulture, $" ({int.MaxValue}/{int.MaxValue})");

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
        var title = MessageSplitter.Shorten(MessageSplitter.Sanitize(digest.Title), MaxTitleBytes, MessageSplitter.JsonBytes);
        // A retry starts after the parts delivered, so every try must split the same way: the
        // text's budget is what the body leaves with the longest part title, from the digest alone.
        var envelope = ChannelHttp.Serialize(new DingTalkBody("markdown", new DingTalkMarkdown(title + LongestPartSuffix, ""))).Length;
        var parts = MessageSplitter.Split(MessageSplitter.Sanitize(digest.Markdown), MaxBodyBytes - envelope, MessageSplitter.JsonBytes);
        for (var i = delivered.Count; i < parts.Count; i++)
        {
            var what = RobotAnswer.Describe(Type, Name, i, parts.Count);
            var partTitle = parts.Count == 1
                ? title
                : string.Create(CultureInfo.InvariantCulture, $"{title} ({i + 1}/{parts.Count})");
            var body = ChannelHttp.Serialize(new DingTalkBody("markdown", new DingTalkMarkdown(partTitle, parts[i])));
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
        460101 => "the message is over DingTalk's 20,000 bytes",
        _ => null,
    };

    private sealed record DingTalkBody(
        [property: JsonPropertyName("msgtype")] string MsgType,
        [property: JsonPropertyName("markdown")] DingTalkMarkdown Markdown);

    private sealed record DingTalkMarkdown(
        [property: JsonPropertyName("title")] string Title,
        [property: JsonPropertyName("text")] string Text);
}
