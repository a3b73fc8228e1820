using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using GroupGuard.Core;
using GroupGuard.Core.Digests;

namespace GroupGuard.Channels;

/// <summary>
/// The one HTTP client the robot channels share: each request has its own timeout and no retries
/// (the outbox retries with backoff), and an answer is read up to <see cref="MaxAnswerBytes"/>.
/// Turns every way a request can fail into a <see cref="DigestChannelException"/> that never quotes
/// a secret; a caller's cancellation stays an <see cref="OperationCanceledException"/>.
/// </summary>
internal sealed class ChannelHttp : IDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Bytes of a robot's answer read at most (its answers are some tens of bytes): a longer one, or
    /// one that never ends, fails the send unread.
    /// </summary>
    public const int MaxAnswerBytes = 1024 * 1024;

    // CJK stays readable and small in the body (the Feishu limit is on body bytes); the body goes
    // to an API, never into HTML, so only JSON's own escaping matters.
    public static readonly JsonSerializerOptions Json = new()
    {
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
    };

    private const int SnippetLength = 200;

    private readonly HttpClient _client;
    private readonly TimeProvider _time;

    public ChannelHttp(TimeProvider time)
        : this(DefaultTimeout, time)
    {
    }

    /// <param name="timeout">Each request's, on <paramref name="time"/> (the connect timeout, a socket's own, is real time).</param>
    /// <param name="time">The clock of the request timeout.</param>
    public ChannelHttp(TimeSpan timeout, TimeProvider time)
    {
        Timeout = timeout;
        _time = time;
        var handler = new SocketsHttpHandler
        {
            // One long-lived client; the pooled lifetime picks up DNS changes of the robot hosts.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = timeout,
            // A redirect would carry the signed URL somewhere else; robots never redirect.
            AllowAutoRedirect = false,
        };
        _client = new HttpClient(handler, disposeHandler: true)
        {
            // Each request has its own timeout (below), so a caller's cancellation and a timeout tell
            // apart; answers are read within MaxAnswerBytes (below).
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        };
    }

    public TimeSpan Timeout { get; }

    public static byte[] Serialize<T>(T body) => JsonSerializer.SerializeToUtf8Bytes(body, Json);

    /// <summary>
    /// POSTs a JSON body and returns the JSON answer of a 2xx response. <paramref name="what"/>
    /// starts every failure message, e.g. <c>wecom channel 'office-robot'</c>.
    /// </summary>
    public async Task<JsonElement> PostJsonAsync(Uri url, byte[] body, string what, SecretScrubber scrubber, CancellationToken cancellationToken)
    {
        var display = SecretScrubber.Display(url);
        using var timeout = new Deadline(Timeout, _time, cancellationToken);
        try
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json", "utf-8");
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            var answer = await BoundedBody.ReadAsync(stream, response.Content.Headers.ContentLength, MaxAnswerBytes, timeout.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;

            // An error status is judged by itself; a body past the bound adds nothing to it.
            var text = answer is null ? "" : Encoding.UTF8.GetString(answer);
            if (status is < 200 or > 299)
            {
                throw new DigestChannelException(scrubber.Scrub(
                    $"{what}: {display} answered HTTP {status.ToString(CultureInfo.InvariantCulture)} {response.ReasonPhrase}{Snippet(text, scrubber)}"), ChannelErrorKind.Refused);
            }

            if (answer is null)
            {
                throw new DigestChannelException(scrubber.Scrub(
                    $"{what}: {display} answered HTTP {status.ToString(CultureInfo.InvariantCulture)} with {BoundedBody.TooLong(MaxAnswerBytes)}, so the digest may not have arrived"), ChannelErrorKind.Uncertain);
            }

            try
            {
                using var document = JsonDocument.Parse(answer);
                return document.RootElement.Clone();
            }
            catch (JsonException)
            {
                throw new DigestChannelException(scrubber.Scrub(
                    $"{what}: {display} answered HTTP {status.ToString(CultureInfo.InvariantCulture)} but not with the robot's JSON, so the digest may not have arrived{Snippet(text, scrubber)}"), ChannelErrorKind.Uncertain);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DigestChannelException(
                $"{what}: {display} did not answer within {Timeout.TotalSeconds.ToString("0.##", CultureInfo.InvariantCulture)} s", ChannelErrorKind.Unreachable);
        }
        catch (HttpRequestException exception)
        {
            // The handler's messages name host and port, never the query; scrubbed all the same.
            throw new DigestChannelException(scrubber.Scrub($"{what}: could not reach {display}: {exception.Message}"), exception, ChannelErrorKind.Unreachable);
        }
        catch (IOException exception)
        {
            // The answer broke off halfway: read apart from the request, it no longer comes as an HttpRequestException.
            throw new DigestChannelException(scrubber.Scrub($"{what}: the connection to {display} broke while it answered, so the digest may not have arrived: {exception.Message}"), exception, ChannelErrorKind.Uncertain);
        }
    }

    /// <summary>Reads a numeric or string code and its message from the first of <paramref name="codeNames"/> present.</summary>
    public static bool TryReadCode(JsonElement root, out string codeName, out long code, out string? message, params ReadOnlySpan<(string Code, string Message)> codeNames)
    {
        codeName = codeNames.IsEmpty ? "" : codeNames[0].Code;
        code = 0;
        message = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        foreach (var (name, messageName) in codeNames)
        {
            if (!root.TryGetProperty(name, out var value))
            {
                continue;
            }

            var parsed = value.ValueKind switch
            {
                JsonValueKind.Number => value.TryGetInt64(out code),
                JsonValueKind.String => long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out code),
                _ => false,
            };
            if (!parsed)
            {
                continue;
            }

            codeName = name;
            if (root.TryGetProperty(messageName, out var text) && text.ValueKind == JsonValueKind.String)
            {
                message = text.GetString();
            }

            return true;
        }

        return false;
    }

    /// <summary>
    /// The start of a robot's answer for a failure message, scrubbed whole before it is cut: a cut
    /// through a secret would leave a part of it that the scrubber no longer recognises.
    /// </summary>
    public static string Snippet(string? text, SecretScrubber scrubber)
    {
        text = scrubber.Scrub(text);
        if (string.IsNullOrWhiteSpace(text))
        {
            return "";
        }

        text = text.Trim().ReplaceLineEndings(" ");
        if (text.Length > SnippetLength)
        {
            var cut = SnippetLength;
            if (char.IsHighSurrogate(text[cut - 1]))
            {
                cut--;
            }

            text = text[..cut] + "…";
        }

        return $": {text}";
    }

    public void Dispose() => _client.Dispose();
}
