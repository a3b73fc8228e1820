using System.Net;
using GroupGuard.Host.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Host.Tests;

/// <summary>
/// Webhook bodies are read whole before their signature can be checked, so before the sender is
/// known: what every webhook holds of them at once is bounded (<c>GroupGuard:Webhooks:BodyBufferBytes</c>),
/// a body is held as it arrives (not as its <c>Content-Length</c> announces), and what a sender
/// that went away held is given back.
/// </summary>
public sealed class WebhookBodyTests
{
    private const int OneMiB = 1024 * 1024;

    /// <summary>The service with room for one body of the largest size, the least the setting takes.</summary>
    private static GroupGuardFactory Service() =>
        new(new Dictionary<string, string?> { ["GroupGuard:Webhooks:BodyBufferBytes"] = OneMiB.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    private static HttpRequestMessage Stalled(StalledBody body) =>
        new(HttpMethod.Post, "/onebot/v11") { Content = body };

    [Fact]
    public async Task While_stalled_bodies_fill_the_buffer_webhooks_are_refused_with_503_and_Retry_After_and_a_sender_that_goes_away_gives_it_back()
    {
        using var service = Service();
        var bodies = service.Services.GetRequiredService<BodyReader>();
        using var stalledBody = new StalledBody(600_000, declaredLength: OneMiB);
        using var stalledRequest = Stalled(stalledBody);
        using var cancel = new CancellationTokenSource();
        var stalled = service.Server.CreateClient().SendAsync(stalledRequest, cancel.Token);
        Assert.True(SpinWait.SpinUntil(() => bodies.Held >= OneMiB || stalled.IsCompleted, Patience.Safety), "the stalled body to be held");

        var first = await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "加微信领资料"));
        var second = await service.PostV11Async(GroupGuardFactory.GroupEvent(2, "加微信领资料"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), first.Headers.RetryAfter?.Delta);
        Assert.Contains("GroupGuard:Webhooks:BodyBufferBytes", await first.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);

        // Counted on /healthz, logged once (then once every 10 s with the count).
        using (var health = System.Text.Json.JsonDocument.Parse(await service.CreateClient().GetStringAsync("/healthz")))
        {
            Assert.Equal(2, health.RootElement.GetProperty("rejected_webhooks").GetProperty("onebot.v11:503").GetInt64());
        }

        Assert.Single(service.Logs.Entries, e => e.Message.Contains("BodyBufferBytes", StringComparison.Ordinal));

        // The stalled sender goes away: what it held is given back, and the next event is taken.
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stalled);
        Assert.True(SpinWait.SpinUntil(() => bodies.Held == 0, Patience.Safety), "the stalled body's buffer to be given back");
        var after = await service.PostV11Async(GroupGuardFactory.GroupEvent(3, "加微信领资料"));
        Assert.Equal(HttpStatusCode.NoContent, after.StatusCode);
        Assert.Equal("3", (await service.HandledAsync("3")).MessageId);
    }

    [Fact]
    public async Task A_sender_that_announces_a_MiB_and_sends_little_holds_only_what_arrived()
    {
        using var service = Service();
        var bodies = service.Services.GetRequiredService<BodyReader>();
        using var stalledBody = new StalledBody(1000, declaredLength: OneMiB);
        using var stalledRequest = Stalled(stalledBody);
        using var cancel = new CancellationTokenSource();
        var stalled = service.Server.CreateClient().SendAsync(stalledRequest, cancel.Token);
        Assert.True(SpinWait.SpinUntil(() => bodies.Held > 0 || stalled.IsCompleted, Patience.Safety), "the stalled body to be held");

        // Before, the buffer was sized from Content-Length at once.
        var taken = await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "加微信领资料"));

        Assert.Equal(HttpStatusCode.NoContent, taken.StatusCode);
        Assert.True(bodies.Held <= 16 * 1024, $"{bodies.Held} bytes held for the 1,000 that arrived");
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stalled);
    }

    [Fact]
    public async Task A_body_that_stops_coming_is_answered_408_once_BodyTimeoutSeconds_pass_and_gives_its_buffer_back()
    {
        var time = new FakeTimeProvider();
        var clock = new WatchedClock(time);
        using var service = new GroupGuardFactory(services: services => services.Replace(ServiceDescriptor.Singleton(provider =>
            new BodyReader(provider.GetRequiredService<IOptionsMonitor<WebhookOptions>>(), clock))));
        var bodies = service.Services.GetRequiredService<BodyReader>();
        using var stalledBody = new StalledBody(600_000, declaredLength: OneMiB);
        using var stalledRequest = Stalled(stalledBody);
        var stalled = service.Server.CreateClient().SendAsync(stalledRequest);
        await stalledBody.Written.Within("the first bytes of the body to go out");
        Assert.True(SpinWait.SpinUntil(() => bodies.Held >= 600_000 || stalled.IsCompleted, Patience.Safety), "the stalled body to be held");

        // Before, the read waited as long as the connection stayed open (Kestrel's minimum rate is an
        // average over the body: after most of 1 MiB at once, about an hour).
        var deadline = await clock.TimerAsync(1);
        Assert.Equal(TimeSpan.FromSeconds(30), deadline.DueTime);
        time.Advance(TimeSpan.FromSeconds(30));
        using var response = await stalled.Within("the answer to the stalled body");

        Assert.Equal(HttpStatusCode.RequestTimeout, response.StatusCode);
        Assert.Contains("GroupGuard:Webhooks:BodyTimeoutSeconds", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(SpinWait.SpinUntil(() => bodies.Held == 0, Patience.Safety), "the stalled body's buffer to be given back");
        Assert.Equal(HttpStatusCode.NoContent, (await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "你好"))).StatusCode);
    }

    [Fact]
    public async Task A_body_Kestrel_cuts_off_as_too_slow_is_answered_408_and_logged_as_counts_not_a_stack_trace_per_request()
    {
        using var service = new GroupGuardFactory(services: services => services.AddSingleton<IStartupFilter>(new KestrelCutsOffSlowBodies()));
        var body = GroupGuardFactory.GroupEvent(1, "加微信领资料");

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 3; i++)
        {
            answers.Add(await service.PostV11Async(body));
        }

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.RequestTimeout, a.StatusCode));
        Assert.Contains("MinRequestBodyDataRate", await answers[0].Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var line = Assert.Single(service.Logs.Entries, e => e.Message.Contains("MinRequestBodyDataRate", StringComparison.Ordinal));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, line.Level);
        Assert.DoesNotContain(service.Logs.Entries, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error);
    }

    [Theory]
    [InlineData(1024 * 1024, true)]
    [InlineData(64L * 1024 * 1024, true)]
    [InlineData(16L * 1024 * 1024 * 1024, true)]
    [InlineData(1024 * 1024 - 1, false)]
    [InlineData(0, false)]
    [InlineData(16L * 1024 * 1024 * 1024 + 1, false)]
    public void BodyBufferBytes_holds_at_least_one_body_of_the_largest_size(long bytes, bool valid)
    {
        var result = new WebhookOptionsValidator().Validate(null, new WebhookOptions { BodyBufferBytes = bytes });

        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.StartsWith("GroupGuard:Webhooks:BodyBufferBytes must be between 1048576", Assert.Single(result.Failures!), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(3600, true)]
    [InlineData(0, false)]
    [InlineData(3601, false)]
    public void BodyTimeoutSeconds_is_a_second_to_an_hour(int seconds, bool valid)
    {
        var result = new WebhookOptionsValidator().Validate(null, new WebhookOptions { BodyTimeoutSeconds = seconds });

        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.StartsWith("GroupGuard:Webhooks:BodyTimeoutSeconds must be between 1 and 3600", Assert.Single(result.Failures!), StringComparison.Ordinal);
        }
    }
}

/// <summary>
/// Kestrel as it refuses a body that arrives below its minimum data rate: the read throws its
/// <see cref="BadHttpRequestException"/> with 408 (the test server has no such bound of its own).
/// </summary>
internal sealed class KestrelCutsOffSlowBodies : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, following) =>
        {
            context.Request.Body = new SlowBody();
            return following(context);
        });
        next(app);
    };

    private sealed class SlowBody : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => throw TooSlow();

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromException<int>(TooSlow());

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromException<int>(TooSlow());

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private static BadHttpRequestException TooSlow() =>
            new("Reading the request body timed out due to data arriving too slowly. See MinRequestBodyDataRate.", StatusCodes.Status408RequestTimeout);
    }
}
