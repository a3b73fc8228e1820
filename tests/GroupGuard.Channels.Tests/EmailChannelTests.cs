using GroupGuard.Channels.Tests.Support;
using GroupGuard.Core;
using GroupGuard.Core.Digests;
using GroupGuard.Core.Digests.Charts;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace GroupGuard.Channels.Tests;

public sealed class EmailChannelTests : IAsyncLifetime
{
    private const string Password = "app-password-7Hq2";

    private readonly SmtpSink _sink = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2024, 5, 2, 0, 0, 5, TimeSpan.Zero));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _sink.DisposeAsync();

    private EmailChannel Channel(bool? useTls = false, string? user = "bot@example.com", bool loopback = true) => new(
        "wang-mail",
        new EmailChannelOptions
        {
            Host = "127.0.0.1",
            Port = _sink.Port,
            UseTls = useTls,
            User = user,
            Password = Password,
            From = "GroupGuard <bot@example.com>",
            To = ["王经理 <wang@example.com>", "deputy@example.com"],
        },
        _time,
        Digests.Log,
        loopback,
        TimeSpan.FromSeconds(5));

    [Fact]
    public async Task The_digest_arrives_with_subject_recipients_and_both_parts()
    {
        var digest = Digests.Sample();

        await Channel().SendAsync(digest, CancellationToken.None);

        var mail = Assert.Single(_sink.Messages);
        Assert.Equal("bot@example.com", mail.From);
        Assert.Equal(["wang@example.com", "deputy@example.com"], mail.To);
        Assert.Equal(("bot@example.com", Password), Assert.Single(_sink.Logins));

        using var data = new MemoryStream(System.Text.Encoding.Latin1.GetBytes(mail.Data));
        var message = await MimeMessage.LoadAsync(data);
        Assert.Equal(digest.Title, message.Subject);
        Assert.Equal(["wang@example.com", "deputy@example.com"], message.To.Mailboxes.Select(m => m.Address));
        Assert.Equal("王经理", message.To.Mailboxes.First().Name);
        Assert.Equal(_time.GetUtcNow(), message.Date);
        var alternative = Assert.IsType<MultipartAlternative>(message.Body);
        Assert.Equal(2, alternative.Count);
        Assert.Equal(digest.Text, message.TextBody);
        Assert.Equal(digest.Html, message.HtmlBody);
        Assert.All(alternative.OfType<TextPart>(), part => Assert.Equal("utf-8", part.ContentType.Charset, ignoreCase: true));
    }

    [Fact]
    public async Task A_digest_with_a_chart_carries_it_inline_and_the_html_shows_it_by_its_content_id()
    {
        var built = Digests.Hostile();
        var chart = IncidentChart.Render([new DayCount(new DateOnly(2024, 5, 1), "ads", 2)], new DateOnly(2024, 4, 2));
        var digest = built with { ChartPng = chart };

        await Channel().SendAsync(digest, CancellationToken.None);

        var mail = Assert.Single(_sink.Messages);
        using var data = new MemoryStream(System.Text.Encoding.Latin1.GetBytes(mail.Data));
        var message = await MimeMessage.LoadAsync(data);
        var alternative = Assert.IsType<MultipartAlternative>(message.Body);
        Assert.Equal(2, alternative.Count);
        var plain = Assert.IsType<TextPart>(alternative[0]);
        Assert.True(plain.IsPlain);
        Assert.Equal(digest.Text, plain.Text); // the plain part is the digest's, untouched
        var related = Assert.IsType<MultipartRelated>(alternative[1]);
        Assert.Equal("text/html", related.ContentType.Parameters["type"]);
        var html = Assert.IsType<TextPart>(related.Root);
        Assert.True(html.IsHtml);
        Assert.Equal("utf-8", html.ContentType.Charset, ignoreCase: true);
        var image = Assert.Single(related.OfType<MimePart>(), p => p.ContentType.IsMimeType("image", "png"));
        Assert.False(string.IsNullOrEmpty(image.ContentId));
        Assert.Equal(ContentDisposition.Inline, image.ContentDisposition!.Disposition);
        using var png = new MemoryStream();
        await image.Content!.DecodeToAsync(png);
        Assert.Equal(chart, png.ToArray());
        Assert.Same(image, related.Where(p => p.ContentId == image.ContentId).Single()); // what cid: resolves to

        // The picture is in the HTML by its Content-Id, with words for a reader who cannot see it,
        // under the opening line and above the first section; the rest of the HTML is the digest's.
        var img = $"<img src=\"cid:{image.ContentId}\" alt=\"{EmailChannel.ChartAlt}\"";
        Assert.Contains(img, html.Text, StringComparison.Ordinal);
        Assert.True(html.Text.IndexOf(img, StringComparison.Ordinal) < html.Text.IndexOf("<h4>概况</h4>", StringComparison.Ordinal));
        Assert.Equal(built.Html, System.Text.RegularExpressions.Regex.Replace(html.Text, "<h4>近 30 天</h4>\n<p><img [^>]*></p>\n", ""));
        Assert.Equal(html.Text, message.HtmlBody);
    }

    [Fact]
    public void The_same_digest_composes_the_same_inline_chart_and_another_period_another_content_id()
    {
        var digest = Digests.Sample() with { ChartPng = [0x89, 0x50, 0x4E, 0x47] };
        var later = digest with { To = digest.To.AddDays(1) };

        var first = Channel().Compose(digest);
        var again = Channel().Compose(digest);

        static (string? Id, string? Html) Chart(MimeMessage m) =>
            (((MultipartRelated)((MultipartAlternative)m.Body!)[1]).OfType<MimePart>().Single(p => p.ContentType.IsMimeType("image", "png")).ContentId, m.HtmlBody);
        Assert.Equal(Chart(first), Chart(again));
        Assert.NotEqual(EmailChannel.ChartContentId(digest), EmailChannel.ChartContentId(later));
        var figure = $"<h4>近 30 天</h4>\n<p><img src=\"cid:c@g\" alt=\"{EmailChannel.ChartAlt}\" width=\"720\" height=\"300\" style=\"max-width:100%;height:auto\"></p>\n";
        Assert.Equal("<h3>t</h3>\n<p>a</p>\n" + figure + "<h4>概况</h4>\n<h4>处置</h4>", EmailChannel.WithChart("<h3>t</h3>\n<p>a</p>\n<h4>概况</h4>\n<h4>处置</h4>", "c@g"));
        Assert.Equal("<html><body><p>x</p>" + figure + "</body></html>", EmailChannel.WithChart("<html><body><p>x</p></body></html>", "c@g"));
        Assert.Equal("<p>x</p>" + figure, EmailChannel.WithChart("<p>x</p>", "c@g"));
    }

    [Fact]
    public async Task A_mail_the_server_took_is_not_sent_again_by_a_retry_after_a_crash_while_the_server_says_goodbye()
    {
        var goodbye = new TaskCompletionSource();
        _sink.HoldQuit = goodbye.Task;
        var kept = new PartsKept();

        var crashed = Channel().SendAsync(Digests.Sample(), kept.NextTry(), CancellationToken.None);
        await _sink.QuitReceived; // the server has the mail; the channel waits for its goodbye
        // The service dies here, before it records the channel as sent; once restarted, it tries again.
        var retry = Channel().SendAsync(Digests.Sample(), kept.NextTry(), CancellationToken.None);
        goodbye.SetResult();
        await Task.WhenAll(crashed, retry);

        Assert.Single(_sink.Messages);
        Assert.Equal([1], kept.Recorded);
    }

    [Fact]
    public async Task A_goodbye_the_server_never_answers_is_given_up_after_5_seconds_and_the_mail_counted_delivered_once()
    {
        var never = new TaskCompletionSource();
        _sink.HoldQuit = never.Task;
        var kept = new PartsKept();
        // An SMTP timeout far longer than the goodbye's own bound, so only the bound can end the wait.
        var channel = new EmailChannel(
            "wang-mail",
            new EmailChannelOptions { Host = "127.0.0.1", Port = _sink.Port, UseTls = false, From = "bot@example.com", To = ["wang@example.com"] },
            _time,
            Digests.Log,
            loopback: true,
            TimeSpan.FromMinutes(10));

        var send = channel.SendAsync(Digests.Sample(), kept.NextTry(), CancellationToken.None);
        await _sink.QuitReceived; // the server has the mail and will never answer QUIT
        Assert.False(send.IsCompleted);
        _time.Advance(EmailChannel.GoodbyeTimeout);
        // The minute is a guard against hanging, far beyond the instant the send ends in once the
        // clock has moved: without the bound it would wait the SMTP timeout's 10 minutes.
        await send.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Single(_sink.Messages);
        Assert.Equal([1], kept.Recorded);
        never.SetResult();
    }

    [Fact]
    public async Task The_same_digest_sent_again_carries_the_same_message_id_and_another_digest_or_channel_another()
    {
        var digest = Digests.Sample();

        await Channel().SendAsync(digest, CancellationToken.None);
        await Channel().SendAsync(digest, CancellationToken.None);

        var ids = new List<string>();
        foreach (var mail in _sink.Messages)
        {
            using var data = new MemoryStream(System.Text.Encoding.Latin1.GetBytes(mail.Data));
            ids.Add((await MimeMessage.LoadAsync(data)).MessageId ?? "");
        }

        Assert.Equal(2, ids.Count);
        Assert.Equal(ids[0], ids[1]); // a duplicate is one conversation with the first
        Assert.EndsWith("@example.com", ids[0], StringComparison.Ordinal);
        Assert.DoesNotContain("王经理", ids[0], StringComparison.Ordinal);
        Assert.NotEqual(ids[0], Channel().Compose(digest with { To = digest.To.AddDays(1) }).MessageId);
        Assert.NotEqual(ids[0], Channel().Compose(digest with { Leader = "李老师" }).MessageId);
        Assert.NotEqual(ids[0], EmailChannel.MessageId(digest, "li-mail", "example.com"));
        Assert.Equal(ids[0], EmailChannel.MessageId(digest, "WANG-MAIL", "example.com"));
    }

    [Fact]
    public async Task Without_a_user_the_digest_is_sent_without_logging_in()
    {
        await Channel(user: null).SendAsync(Digests.Sample(), CancellationToken.None);

        Assert.Single(_sink.Messages);
        Assert.Empty(_sink.Logins);
    }

    [Fact]
    public async Task A_refused_recipient_fails_naming_the_recipient()
    {
        _sink.AcceptRecipient = to => to != "deputy@example.com";

        var failure = await Assert.ThrowsAsync<DigestChannelException>(() => Channel().SendAsync(Digests.Sample(), CancellationToken.None));

        Assert.Contains("deputy@example.com", failure.Message, StringComparison.Ordinal);
        Assert.Contains("550", failure.Message, StringComparison.Ordinal);
        Assert.Empty(_sink.Messages);
    }

    [Fact]
    public async Task A_refused_login_fails_without_the_password()
    {
        _sink.AcceptLogin = false;

        var failure = await Assert.ThrowsAsync<DigestChannelException>(() => Channel().SendAsync(Digests.Sample(), CancellationToken.None));

        Assert.Contains("refused the login for bot@example.com", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, failure.ToString(), StringComparison.Ordinal);
        Assert.Empty(_sink.Messages);
    }

    [Fact]
    public async Task A_relay_on_this_machine_takes_plain_smtp_without_a_UseTls_setting_even_when_it_offers_starttls()
    {
        _sink.OfferStartTls = true;

        await Channel(useTls: null).SendAsync(Digests.Sample(), CancellationToken.None);

        Assert.Single(_sink.Messages);
    }

    [Fact]
    public async Task Across_a_network_a_server_that_does_not_offer_starttls_gets_neither_login_nor_digest()
    {
        var failure = await Assert.ThrowsAsync<DigestChannelException>(
            () => Channel(useTls: false, loopback: false).SendAsync(Digests.Sample(), CancellationToken.None));

        Assert.Contains("email channel 'wang-mail'", failure.Message, StringComparison.Ordinal);
        Assert.Contains("does not offer STARTTLS", failure.Message, StringComparison.Ordinal);
        Assert.Contains("UseTls", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("AUTH", _sink.Commands);
        Assert.Empty(_sink.Logins);
        Assert.Empty(_sink.Messages);
    }

    [Fact]
    public async Task Across_a_network_a_server_whose_starttls_fails_gets_no_login_in_plain()
    {
        _sink.OfferStartTls = true;

        await Assert.ThrowsAsync<DigestChannelException>(
            () => Channel(useTls: false, loopback: false).SendAsync(Digests.Sample(), CancellationToken.None));

        Assert.Contains("STARTTLS", _sink.Commands);
        Assert.DoesNotContain("AUTH", _sink.Commands);
        Assert.Empty(_sink.Logins);
        Assert.Empty(_sink.Messages);
    }

    [Fact]
    public async Task Tls_against_a_server_without_tls_fails_with_a_hint_about_UseTls_and_Port()
    {
        var failure = await Assert.ThrowsAsync<DigestChannelException>(() => Channel(useTls: true).SendAsync(Digests.Sample(), CancellationToken.None));

        Assert.Contains("TLS", failure.Message, StringComparison.Ordinal);
        Assert.Contains("UseTls", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_cannot_be_reached_fails()
    {
        var channel = new EmailChannel(
            "wang-mail",
            new EmailChannelOptions { Host = "127.0.0.1", Port = HttpSink.FreePort(), UseTls = false, From = "bot@example.com", To = ["wang@example.com"] },
            _time,
            Digests.Log);

        var failure = await Assert.ThrowsAsync<DigestChannelException>(() => channel.SendAsync(Digests.Sample(), CancellationToken.None));

        Assert.Contains("email channel 'wang-mail'", failure.Message, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", failure.Message, StringComparison.Ordinal);
    }
}
