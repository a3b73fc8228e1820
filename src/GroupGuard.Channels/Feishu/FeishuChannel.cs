using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using GroupGuard.Core.Digests;
using Microsoft.Extensions.Logging;

namespace GroupGuard.Channels;

/// <summary>
/// Posts the plain-text digest, its markup defused, to a Feishu custom bot, signed when a secret
/// is configured. Feishu takes bodies of at most 20 KB: a longer digest is split on line ends into
/// parts sent in order, each signed with the time it is sent; a retry starts after the parts
/// delivered (<see cref="DeliveredParts"/>).
/// </summary>
internal sealed class FeishuChannel : IDigestChannel
{
    /// <summary>Feishu's body limit is 20 KB; stay a little under it.</summary>
    public const int MaxBodyBytes = 20_000;

    /// <summary>
    /// The largest body without its text: signed, with the longest timestamp and a signature whose
    /// every character is escaped. A retry starts after the parts delivered, so a message must be
    /// split the same way on every try: its text's budget is what this leaves of the body limit,
    /// whatever the clock says and whether or not the bot signs.
    /// </summary>
    internal static readonly int MaxEnvelopeBytes = ChannelHttp.Serialize(new FeishuBody(
        long.MaxValue.ToString(CultureInfo.InvariantCulture),
        new string('+', SignatureLength),
        "text",
        new FeishuContent(""))).Length;

    /// <summary>Base64 of an HMAC-SHA256: 32 bytes, 44 characters.</summary>
    private const int SignatureLength = 44;

    private readonly Uri _url;
    private readonly string? _secret;
    private readonly ChannelHttp _http;
    private readonly TimeProvider _time;
    private readonly SecretScrubber _scrubber;
    private readonly ILogger _logger;

    public FeishuChannel(string name, FeishuChannelOptions options, ChannelHttp http, TimeProvider time, ILogger logger)
    {
        Name = name;
        _url = new Uri(options.Url!, UriKind.Absolute);
        _secret = options.Secret;
        _http = http;
        _time = time;
        _scrubber = SecretScrubber.ForUrl(_url, _secret);
        _logger = logger;
    }

    public string Name { get; }

    public string Type => ChannelTypes.Feishu;

    public async Task SendAsync(DigestDocument digest, DeliveredParts delivered, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(digest);
        ArgumentNullException.ThrowIfNull(delivered);

        // Feishu reads links, bold and <at user_id="all"> in a plain text message, and every line of
        // the plain digest may quote a member; the defused text keeps its lines and its length. The
        // links to the console GroupGuard ends a line with (those of its Markdown) stay links.
        var text = DigestMarkup.EscapeKeepingLines(MessageSplitter.Sanitize(digest.Text), DigestMarkup.OwnLinks(digest.Markdown));
        var parts = MessageSplitter.Split(text, MaxBodyBytes - MaxEnvelopeBytes, MessageSplitter.JsonBytes);
        for (var i = delivered.Count; i < parts.Count; i++)
        {
            var what = RobotAnswer.Describe(Type, Name, i, parts.Count);
            var body = ChannelHttp.Serialize(Body(parts[i], _time.GetUtcNow().ToUnixTimeSeconds()));
            var answer = await _http.PostJsonAsync(_url, body, what, _scrubber, cancellationToken).ConfigureAwait(false);
            RobotAnswer.EnsureSuccess(answer, what, _scrubber, Hint, ("code", "msg"), ("StatusCode", "StatusMessage"));
            await delivered.AddAsync().ConfigureAwait(false);
        }

        _logger.DigestSent(digest.Leader, Type, Name, parts.Count);
    }

    /// <summary><c>base64(HmacSHA256(key=timestamp+"\n"+secret, msg=""))</c>.</summary>
    public static string Sign(long timestampSeconds, string secret)
    {
        var key = string.Create(CultureInfo.InvariantCulture, $"{timestampSeconds}\n{secret}");
        return Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), ReadOnlySpan<byte>.Empty));
    }

    private FeishuBody Body(string text, long timestamp) =>
        _secret is null
            ? new FeishuBody(null, null, "text", new FeishuContent(text))
            : new FeishuBody(
                timestamp.ToString(CultureInfo.InvariantCulture),
                Sign(timestamp, _secret),
                "text",
                new FeishuContent(text));

    private static string? Hint(long code) => code switch
    {
        19021 => "the signature check failed: check Secret and the server clock",
        19022 => "this server's IP address is not allowed by the bot's security settings",
        19024 => "the keyword check failed: the bot's security settings require a keyword",
        11232 => "rate limit: the bot takes about 100 messages a minute",
        _ => null,
    };

    private sealed record FeishuBody(
        [property: JsonPropertyName("timestamp"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Timestamp,
        [property: JsonPropertyName("sign"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Sign,
        [property: JsonPropertyName("msg_type")] string MsgType,
        [property: JsonPropertyName("content")] FeishuContent Content);

    private sealed record FeishuContent([property: JsonPropertyName("text")] string Text);
}
