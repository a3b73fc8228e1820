using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using GroupGuard.Core.Digests;
using GroupGuard.Core.Digests.Charts;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using MimeKit;
using MimeKit.Text;

namespace GroupGuard.Channels;

/// <summary>
/// Sends the digest as one email: multipart/alternative with the plain text and the HTML, UTF-8,
/// the digest's title as subject. A digest with a chart has its HTML in multipart/related with the
/// PNG beside it, shown inline by its Content-Id; the plain text stays as it is. A fresh SMTP
/// connection per digest (digests are rare). The mail counts as delivered (<see cref="DeliveredParts"/>,
/// one part) once the server took it, before the goodbye: a retry after a crash while the server
/// answers QUIT does not send it again. The answer to QUIT is waited for at most
/// <see cref="GoodbyeTimeout"/>. Its Message-Id follows from the digest and the channel, so
/// a mail sent twice all the same (the count could not be stored) is one conversation in the mailbox.
/// </summary>
internal sealed class EmailChannel : IDigestChannel
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long the server's answer to QUIT is waited for, once it has taken the mail (on the injected clock).</summary>
    public static readonly TimeSpan GoodbyeTimeout = TimeSpan.FromSeconds(5);

    private readonly EmailChannelOptions _options;
    private readonly string _host;
    private readonly int _port;
    private readonly SecureSocketOptions _security;
    private readonly string _from;
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;
    private readonly SecretScrubber _scrubber;
    private readonly ILogger _logger;

    public EmailChannel(string name, EmailChannelOptions options, TimeProvider time, ILogger logger, TimeSpan? timeout = null)
        : this(name, options, time, logger, options.IsLoopback, timeout)
    {
    }

    /// <param name="loopback">Whether the host is this machine; tests pass false so a sink on loopback stands in for a server across a network.</param>
    internal EmailChannel(string name, EmailChannelOptions options, TimeProvider time, ILogger logger, bool loopback, TimeSpan? timeout = null)
    {
        Name = name;
        _options = options;
        _host = options.Host!;
        _port = options.EffectivePort(loopback);
        _security = Security(options.EffectiveUseTls(loopback), loopback);
        _from = options.From!;
        _time = time;
        _timeout = timeout ?? DefaultTimeout;
        _scrubber = new SecretScrubber(options.Password);
        _logger = logger;
    }

    public string Name { get; }

    public string Type => ChannelTypes.Email;

    public async Task SendAsync(DigestDocument digest, DeliveredParts delivered, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(digest);
        ArgumentNullException.ThrowIfNull(delivered);
        if (delivered.Count > 0)
        {
            // The server took it on a try whose outcome was not recorded (a crash during the goodbye).
            _logger.DigestAlreadyDelivered(digest.Leader, Type, Name);
            return;
        }

        var message = Compose(digest);
        var server = string.Create(CultureInfo.InvariantCulture, $"{_host}:{_port}");
        var what = $"email channel '{Name}'";

        using var client = new SmtpClient { Timeout = (int)_timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(_host, _port, _security, cancellationToken).ConfigureAwait(false);
            if (!string.IsNullOrWhiteSpace(_options.User))
            {
                await client.AuthenticateAsync(_options.User, _options.Password ?? "", cancellationToken).ConfigureAwait(false);
            }

            await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new DigestChannelException(_scrubber.Scrub($"{what}: sending through {server} failed: {Explain(exception)}"), exception, KindOf(exception));
        }

        // The server took the message: counted now, not after the goodbye, which a crash may cut
        // short; a retry then does not send it again.
        await delivered.AddAsync().ConfigureAwait(false);

        // Nothing is left to learn from the server, so a goodbye it is slow to answer does not hold
        // up the digest's other channels for the whole timeout.
        using var goodbyeBound = new CancellationTokenSource(GoodbyeTimeout, _time);
        using var goodbye = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, goodbyeBound.Token);
        try
        {
            await client.DisconnectAsync(quit: true, goodbye.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The server took the message; a failed or unanswered goodbye does not make it undelivered.
        }

        _logger.DigestSent(digest.Leader, Type, Name, 1);
    }

    /// <summary>
    /// Across a network TLS is required before the login: STARTTLS "when available" would let
    /// anyone on the path strip the server's offer and read the password. A relay on this machine
    /// often offers STARTTLS with a self-signed certificate; the mail never crosses a network
    /// there, so it is not asked for.
    /// </summary>
    internal static SecureSocketOptions Security(bool useTls, bool loopback) =>
        useTls ? SecureSocketOptions.SslOnConnect
        : loopback ? SecureSocketOptions.None
        : SecureSocketOptions.StartTls;

    internal MimeMessage Compose(DigestDocument digest)
    {
        var message = new MimeMessage
        {
            Subject = digest.Title,
            Date = _time.GetLocalNow(),
        };
        var from = MailboxAddress.Parse(_from);
        message.From.Add(from);
        message.MessageId = MessageId(digest, Name, from.Domain);
        foreach (var to in _options.To)
        {
            message.To.Add(MailboxAddress.Parse(to));
        }

        var plain = new TextPart(TextFormat.Plain);
        plain.SetText(Encoding.UTF8, digest.Text);
        var html = new TextPart(TextFormat.Html);
        MimeEntity rich = html;
        if (digest.ChartPng is { Length: > 0 } chart)
        {
            // The chart travels in the mail, not behind a link: mail clients do not fetch remote
            // pictures unasked, and GroupGuard serves none to the internet.
            var contentId = ChartContentId(digest);
            html.SetText(Encoding.UTF8, WithChart(digest.Html, contentId));
            var image = new MimePart("image", "png")
            {
                Content = new MimeContent(new MemoryStream(chart, writable: false)),
                ContentDisposition = new ContentDisposition(ContentDisposition.Inline) { FileName = ChartFileName },
                ContentTransferEncoding = ContentEncoding.Base64,
                ContentId = contentId,
            };
            var related = new MultipartRelated { html, image };
            related.ContentType.Parameters["type"] = "text/html"; // RFC 2387: the root's type
            rich = related;
        }
        else
        {
            html.SetText(Encoding.UTF8, digest.Html);
        }

        // Plain first: clients show the last part they can render.
        message.Body = new MultipartAlternative { plain, rich };
        return message;
    }

    internal const string ChartFileName = "incidents-30-days.png";

    internal const string ChartAlt = "近 30 天每日违规数（按类别堆叠）";

    /// <summary>
    /// The chart's Content-Id, from the digest's period end: the same digest sent again (a retry)
    /// is the same message, and two digests in one mailbox never share one.
    /// </summary>
    internal static string ChartContentId(DigestDocument digest) =>
        string.Create(CultureInfo.InvariantCulture, $"chart-{digest.To.UtcDateTime:yyyyMMdd'T'HHmmssfff'Z'}@groupguard");

    /// <summary>
    /// The mail's Message-Id, from what makes a message one in the outbox (its leader or alert
    /// rule, and its period) and the channel (names ignore case): a mail sent again is the same
    /// message, which mail clients show once or in one thread, and no other mail shares it. The
    /// right side is the sender's domain, as mail servers expect; the left a hash, naming nobody.
    /// </summary>
    internal static string MessageId(DigestDocument digest, string channel, string senderDomain)
    {
        var identity = string.Create(
            CultureInfo.InvariantCulture,
            $"{channel.ToUpperInvariant()}\n{digest.Leader}\n{digest.From.UtcDateTime:yyyyMMdd'T'HHmmssfffffff'Z'}\n{digest.To.UtcDateTime:yyyyMMdd'T'HHmmssfffffff'Z'}");
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)).AsSpan(0, 16));
        string domain;
        try
        {
            domain = new IdnMapping().GetAscii(senderDomain);
        }
        catch (ArgumentException)
        {
            domain = "groupguard.invalid";
        }

        return $"groupguard.{hash}@{domain}";
    }

    /// <summary>
    /// The digest's HTML with the chart under its opening lines, before the first section
    /// heading (every digest has one: the bot's health); at the end when there is none.
    /// </summary>
    internal static string WithChart(string html, string contentId)
    {
        var figure = string.Create(
            CultureInfo.InvariantCulture,
            $"<h4>近 30 天</h4>\n<p><img src=\"cid:{contentId}\" alt=\"{ChartAlt}\" width=\"{IncidentChart.Width}\" height=\"{IncidentChart.Height}\" style=\"max-width:100%;height:auto\"></p>\n");
        // What members wrote is HTML-encoded in the digest, so the first "<h4>" and "</body>" are the builder's.
        var at = html.IndexOf("<h4>", StringComparison.Ordinal);
        if (at < 0)
        {
            at = html.LastIndexOf("</body>", StringComparison.OrdinalIgnoreCase);
        }

        return at < 0 ? html + figure : html.Insert(at, figure);
    }

    private string Explain(Exception exception) => exception switch
    {
        AuthenticationException =>
            $"the server refused the login for {_options.User}: {exception.Message}",
        // MailKit's words when StartTls is required and the server's EHLO does not offer it.
        NotSupportedException when _security == SecureSocketOptions.StartTls =>
            "the server does not offer STARTTLS, and the login and the digest are not sent unencrypted across a network: "
            + "with UseTls false the server must offer STARTTLS (usually port 587); set UseTls to true for a server that takes TLS from the first byte (port 465)",
        SslHandshakeException or System.Security.Authentication.AuthenticationException =>
            "the TLS handshake failed: check UseTls and Port (465 is TLS from the start, 587 and 25 use STARTTLS with UseTls false) and the server's certificate",
        SmtpCommandException command =>
            $"the server refused {Step(command)} ({((int)command.StatusCode).ToString(CultureInfo.InvariantCulture)}): {command.Message}",
        SocketException or IOException when exception.InnerException is SocketException or null =>
            $"could not connect: {exception.Message}",
        TimeoutException or OperationCanceledException =>
            $"the server did not answer within {_timeout.TotalSeconds.ToString("0.##", CultureInfo.InvariantCulture)} s",
        _ => exception.Message,
    };

    /// <summary>The kind of <see cref="Explain"/>'s failure: nothing answered, or the server refused.</summary>
    private static ChannelErrorKind KindOf(Exception exception) => exception switch
    {
        SocketException or IOException when exception.InnerException is SocketException or null => ChannelErrorKind.Unreachable,
        TimeoutException or OperationCanceledException => ChannelErrorKind.Unreachable,
        AuthenticationException or SmtpCommandException or NotSupportedException or SslHandshakeException or System.Security.Authentication.AuthenticationException => ChannelErrorKind.Refused,
        _ => ChannelErrorKind.Other,
    };

    private static string Step(SmtpCommandException exception) => exception.ErrorCode switch
    {
        SmtpErrorCode.SenderNotAccepted => $"the sender {exception.Mailbox}",
        SmtpErrorCode.RecipientNotAccepted => $"the recipient {exception.Mailbox}",
        SmtpErrorCode.MessageNotAccepted => "the message",
        _ => "a command",
    };
}
