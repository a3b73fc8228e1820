using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using GroupGuard.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupGuard.Images;

/// <summary>What a fetch came to: the bytes, or why not (refused by a limit, or failed).</summary>
internal readonly record struct FetchResult(byte[]? Bytes, bool Refused, string? Reason)
{
    public static FetchResult Refuse(string reason) => new(null, true, reason);

    public static FetchResult Fail(string reason) => new(null, false, reason);
}

/// <summary>
/// Fetches one picture within the limits: http or https only, from an allowed host, at most two
/// redirects and only to the same host (followed here, never by the handler), the whole within
/// <see cref="ImagesOptions.TimeoutSeconds"/>, the body read up to <see cref="ImagesOptions.MaxBytes"/>
/// and one byte more. A body that says it is text, HTML or JSON is refused unread. Links are logged
/// as host and path: their queries carry the platform's tokens.
/// </summary>
internal sealed partial class PictureFetcher(IHttpClientFactory clients, IOptionsMonitor<ImagesOptions> options, ILogger<PictureFetcher> logger, TimeProvider time)
{
    /// <summary>The named client (<see cref="IHttpClientFactory"/>): no automatic redirects, no cookies.</summary>
    public const string ClientName = "GroupGuard.Images";

    public const int MaxRedirects = 2;

    /// <summary>Headers a platform may ask to be sent with a fetch, at most; the rest are dropped.</summary>
    public const int MaxHeaders = 16;

    // What a platform's headers may not set: the connection's own (host, framing, proxies) and what
    // the fetch says itself; a fetch goes to an allowed host, whatever a Host header would name.
    private static readonly HashSet<string> HeadersNotSent = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authorization", "Transfer-Encoding", "TE", "Trailer", "Upgrade",
        "Accept", "Accept-Encoding", "Expect",
    };

    // A CDN down, or links that expired, fail every message's pictures alike: one warning for the
    // first of a host, the same failure there again within LogThrottle.Interval counted into its next line.
    private readonly LogThrottle _failureLines = new(time);

    public Task<FetchResult> FetchAsync(Uri uri, CancellationToken cancellationToken) => FetchAsync(uri, null, cancellationToken);

    /// <summary>
    /// Fetches <paramref name="uri"/>, sending <paramref name="headers"/> (OneBot v12 <c>get_file</c>'s,
    /// which the bridge may need to serve the file) on every request of it, redirects included (they
    /// stay on its host). A header that is no plain ASCII name and value, or one of the connection's
    /// own, is dropped; they are never logged.
    /// </summary>
    public async Task<FetchResult> FetchAsync(Uri uri, IReadOnlyDictionary<string, string>? headers, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        if (Problem(uri, settings) is { } refused)
        {
            return FetchResult.Refuse(refused);
        }

        using var timeout = new Deadline(TimeSpan.FromSeconds(settings.TimeoutSeconds), time, cancellationToken);
        try
        {
            return await FetchFollowingAsync(uri, headers, settings, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Failed(uri, "timed out");
            return FetchResult.Fail($"no answer within {settings.TimeoutSeconds} s");
        }
        catch (HttpRequestException ex)
        {
            Failed(uri, ex.HttpRequestError.ToString());
            return FetchResult.Fail($"the connection failed ({ex.HttpRequestError})");
        }
        catch (IOException ex)
        {
            Failed(uri, ex.GetType().Name);
            return FetchResult.Fail("the connection broke off");
        }
    }

    /// <summary>The link as it may be logged: host and path, never the query or user info.</summary>
    public static string Where(Uri uri) => uri.IsAbsoluteUri ? uri.IdnHost + uri.AbsolutePath : "(a relative link)";

    private async Task<FetchResult> FetchFollowingAsync(Uri uri, IReadOnlyDictionary<string, string>? headers, ImagesOptions settings, CancellationToken cancellationToken)
    {
        var client = clients.CreateClient(ClientName);
        for (var redirects = 0; ; redirects++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("image/*"));
            AddHeaders(request, headers);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (IsRedirect(response.StatusCode))
            {
                if (redirects >= MaxRedirects)
                {
                    return FetchResult.Refuse($"more than {MaxRedirects} redirects");
                }

                if (response.Headers.Location is not { } location || !Uri.TryCreate(uri, location, out var next))
                {
                    return FetchResult.Fail($"HTTP {(int)response.StatusCode} without a usable Location");
                }

                if (!string.Equals(next.IdnHost, uri.IdnHost, StringComparison.OrdinalIgnoreCase))
                {
                    return FetchResult.Refuse($"a redirect to another host ({next.IdnHost})");
                }

                if (Problem(next, settings) is { } refused)
                {
                    return FetchResult.Refuse(refused);
                }

                uri = next;
                continue;
            }

            if (!response.IsSuccessStatusCode)
            {
                Failed(uri, "HTTP " + ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
                return FetchResult.Fail($"HTTP {(int)response.StatusCode}");
            }

            if (response.Content.Headers.ContentType?.MediaType is { } type && !MayBePicture(type))
            {
                return FetchResult.Refuse($"not a picture ({type})");
            }

            if (response.Content.Headers.ContentLength is { } length && length > settings.MaxBytes)
            {
                return FetchResult.Refuse($"{length} bytes, more than {settings.MaxBytes}");
            }

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return await ReadCappedAsync(body, settings.MaxBytes, response.Content.Headers.ContentLength, cancellationToken).ConfigureAwait(false);
        }
    }

    private static void AddHeaders(HttpRequestMessage request, IReadOnlyDictionary<string, string>? headers)
    {
        if (headers is null)
        {
            return;
        }

        var added = 0;
        foreach (var (name, value) in headers)
        {
            if (added == MaxHeaders)
            {
                return;
            }

            // TryAddWithoutValidation refuses a name that is no token, and content headers (a GET has no body).
            if (!HeadersNotSent.Contains(name) && value.Length <= 4096 && value.All(c => c is '\t' or (>= ' ' and <= '~'))
                && request.Headers.TryAddWithoutValidation(name, value))
            {
                added++;
            }
        }
    }

    /// <summary>
    /// Reads at most <paramref name="max"/> + 1 bytes (<see cref="BoundedBody"/>): one more than
    /// allowed means refused, and the rest is never read. A declared length over the cap was refused
    /// before this, in its own words.
    /// </summary>
    private static async Task<FetchResult> ReadCappedAsync(Stream body, long max, long? declared, CancellationToken cancellationToken)
    {
        var bytes = await BoundedBody.ReadAsync(body, declared, max, cancellationToken).ConfigureAwait(false);
        return bytes switch
        {
            null => FetchResult.Refuse($"more than {max} bytes"),
            [] => FetchResult.Refuse("an empty body"),
            _ => new FetchResult(bytes, false, null),
        };
    }

    /// <summary>Why a link may not be fetched, or null.</summary>
    private static string? Problem(Uri uri, ImagesOptions settings)
    {
        if (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return "only http and https links are fetched";
        }

        return HostAllowList.Allows(settings.EffectiveHosts, uri) ? null : $"the host {uri.IdnHost} is not in {ImagesOptions.Section}:AllowedHosts";
    }

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    /// <summary>
    /// CDNs label pictures image/…, and some octet-stream or nothing; what says it is a page, text or
    /// data is not read. The decoder judges the bytes of the rest.
    /// </summary>
    private static bool MayBePicture(string mediaType) =>
        mediaType.StartsWith("image/", StringComparison.OrdinalIgnoreCase)
        || mediaType.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase)
        || mediaType.Equals("binary/octet-stream", StringComparison.OrdinalIgnoreCase);

    /// <summary>The one line of a fetch that failed (a refusal by a limit is the reader's to say), throttled by host.</summary>
    private void Failed(Uri uri, string why)
    {
        var host = uri.IsAbsoluteUri ? uri.IdnHost : "";
        if (_failureLines.Occurred(host, why) is > 0 and var count)
        {
            LogFailed(Where(uri), why, count, host);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A picture at {Where} could not be fetched: {Why} ({Count} fetches from {Host} failed since its last such line; the same failure again within 10 s is counted, not logged)")]
    private partial void LogFailed(string where, string why, long count, string host);
}
