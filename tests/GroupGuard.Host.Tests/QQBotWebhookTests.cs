using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GroupGuard.Core;
using GroupGuard.QQBot;
using GroupGuard.QQBot.Webhook;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Host.Tests;

/// <summary>
/// The official QQ bot platform end to end: a fake platform validates the callback URL, posts signed
/// group messages, hands out tokens and takes the OpenAPI calls; the service in process verifies,
/// moderates and answers through it.
/// </summary>
public sealed class QQBotWebhookTests : IAsyncLifetime
{
    // The docs' example bot (事件订阅与通知).
    private const string AppId = "11111111";
    private const string AppSecret = "DG5g3B4j9X2KOErG";
    private const string Group = "C9F778FE6ADF9D1D1DBE395BF744A33A";
    private const string Member = "5A8DD3E4C1CC4B1E2A7E3D66F10B2C93";
    private const string MessageId = "ROBOT1.0_kZ3fJ0vY9mQ1nE7cL4pA6sT8uW2xB5dR0gH3jK6lM9nP2qS5tV8wY1zA4cE7fI0o";

    private readonly FakeQQPlatform _platform = FakeQQPlatform.Start();

    /// <summary>Where the samples are stamped (17:59 +08:00 on 2025-11-26), for the webhook's checks only.</summary>
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2025, 11, 26, 10, 0, 0, TimeSpan.Zero));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _platform.DisposeAsync();

    private GroupGuardFactory Service(IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["GroupGuard:QQBot:AppId"] = AppId,
            ["GroupGuard:QQBot:AppSecret"] = AppSecret,
            ["GroupGuard:QQBot:ApiBaseUrl"] = _platform.ApiBaseUrl,
            ["GroupGuard:QQBot:TokenUrl"] = _platform.TokenUrl,
            ["GroupGuard:QQBot:MaxActionsPerSecond"] = "1000",
            ["GroupGuard:QQBot:ActionTimeoutSeconds"] = "30",
            ["GroupGuard:QQBot:ActionBudgetSeconds"] = "60",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return new GroupGuardFactory(settings, services: services => services.Replace(ServiceDescriptor.Singleton<IQQBotWebhook>(provider =>
            new QQBotWebhookReceiver(provider.GetRequiredService<IOptionsMonitor<QQBotOptions>>(), _clock, provider.GetRequiredService<QQBotStatus>()))));
    }

    private static string Sign(string body, string timestamp, string secret = AppSecret) =>
        Convert.ToHexStringLower(new QQBotKey(secret).Sign(Encoding.ASCII.GetBytes(timestamp), Encoding.UTF8.GetBytes(body)));

    /// <summary>Posts as the platform does: signed over the timestamp and the body, unless told otherwise.</summary>
    private async Task<HttpResponseMessage> PostAsync(GroupGuardFactory service, string body, string? signature = "sign", long? timestamp = null, string path = "/qqbot", string contentType = "application/json")
    {
        var stamp = (timestamp ?? _clock.GetUtcNow().ToUnixTimeSeconds()).ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        request.Headers.Add("User-Agent", "QQBot-Callback");
        request.Headers.Add("X-Bot-Appid", AppId);
        request.Headers.Add("X-Signature-Timestamp", stamp);
        if (signature is not null)
        {
            request.Headers.Add("X-Signature-Ed25519", signature == "sign" ? Sign(body, stamp) : signature);
        }

        return await service.CreateClient().SendAsync(request);
    }

    [Fact]
    public async Task The_callback_URL_validation_is_answered_with_the_signature_of_the_docs()
    {
        using var service = Service();

        var response = await PostAsync(service, GroupGuardFactory.Sample("qqbot-op13-validation.json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Arq0D5A61EgUu4OxUvOp", answer.RootElement.GetProperty("plain_token").GetString());
        Assert.Equal(
            "87befc99c42c651b3aac0278e71ada338433ae26fcb24307bdc5ad38c1adc2d01bcfcadc0842edac85e85205028a1132afe09280305f13aa6909ffc2d652c706",
            answer.RootElement.GetProperty("signature").GetString());
    }

    [Fact]
    public async Task A_signed_ad_becomes_an_incident_and_a_reply_warns_since_the_platform_cannot_recall()
    {
        using var service = Service();

        var response = await PostAsync(service, GroupGuardFactory.Sample("qqbot-group-message-create.json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"op":12,"d":0}""", await response.Content.ReadAsStringAsync());
        var incident = await service.SettledAsync(1, i => i.MessageId == MessageId);
        Assert.Equal("qq-official", incident.Platform);
        Assert.Equal(Protocol.QQBot, incident.Protocol);
        Assert.Equal(AppId, incident.BotId);
        Assert.Equal(Group, incident.GroupId);
        Assert.Equal(Member, incident.UserId);
        Assert.Equal(ModerationAction.Recall, incident.DecidedAction);
        Assert.Equal(ActionStatus.Unsupported, incident.ActionStatus);
        Assert.Equal(ActionErrorKind.PlatformCannot, incident.ActionErrorKind);

        var warning = await _platform.WaitForApiRequestAsync(r => r.Path == $"/v2/groups/{Group}/messages", "the warning reply");
        Assert.Equal("QQBot token-1", warning.Header("Authorization"));
        Assert.Equal(MessageId, warning.Json.GetProperty("msg_id").GetString());
        Assert.StartsWith($"<qqbot-at-user id=\"{Member}\" />", warning.Json.GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(_platform.ApiRequests, r => r.Method == "DELETE");
    }

    [Theory]
    [InlineData("<@!加微信tg2025私聊领取优惠>")]
    [InlineData("<qqbot-at-user id=\"加微信 tg2025 私聊领取优惠\" />")]
    public async Task An_ad_a_member_types_as_mention_markup_is_still_an_incident(string content)
    {
        // Taken for a mention, the markup left the text and every rule with it. (The test pack's
        // terms: "<@加微信…" without the '!' reads as an @name to the folder, which blanks it for
        // terms; the shipped pack's ads.contact-id regex still finds it.)
        using var service = Service();

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(service, ChangedMessage("hidden", content))).StatusCode);

        await service.HandledAsync("hidden");
        var incident = Assert.Single(await service.IncidentsAsync());
        Assert.Equal("hidden", incident.MessageId);
        Assert.Equal("ads.contact", incident.Rule);
        Assert.Equal(ModerationAction.Recall, incident.DecidedAction);
    }

    [Fact]
    public async Task A_forged_signature_is_refused_and_nothing_is_moderated()
    {
        using var service = Service();
        var body = GroupGuardFactory.Sample("qqbot-group-message-create.json");
        var stamp = _clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

        var forged = await PostAsync(service, body, Sign(body, stamp, "not-the-secret"));
        var unsigned = await PostAsync(service, body, signature: null);

        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);

        // A signed message after them is the first the worker sees.
        await PostAsync(service, ChangedMessage("second", "今天放学提前"));
        Assert.Equal("second", (await service.Handled.WaitForCountAsync(1))[0].MessageId);
    }

    [Fact]
    public async Task A_delivery_replayed_after_the_window_is_refused()
    {
        using var service = Service();
        var body = GroupGuardFactory.Sample("qqbot-group-message-create.json");
        var old = _clock.GetUtcNow().ToUnixTimeSeconds() - 600;

        // Signed by the platform ten minutes ago: the signature is good, its time is not.
        var response = await PostAsync(service, body, Sign(body, old.ToString(CultureInfo.InvariantCulture)), old);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("a replay", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_message_as_both_event_types_is_moderated_once()
    {
        using var service = Service();
        var full = GroupGuardFactory.Sample("qqbot-group-message-create.json");
        var at = JsonNode.Parse(full)!.AsObject();
        at["t"] = "GROUP_AT_MESSAGE_CREATE";
        at["id"] = "GROUP_AT_MESSAGE_CREATE:another-event";

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(service, full)).StatusCode);
        var second = await PostAsync(service, at.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("""{"op":12,"d":0}""", await second.Content.ReadAsStringAsync());
        await PostAsync(service, ChangedMessage("later", "今天放学提前"));

        await service.HandledAsync("later");
        Assert.Single(await service.IncidentsAsync());
        Assert.Equal(2, service.Handled.Count);
    }

    [Fact]
    public async Task The_webhook_is_a_connection_on_healthz()
    {
        using var service = Service();
        await PostAsync(service, ChangedMessage("clean", "明天带雨伞"));

        using var health = JsonDocument.Parse(await service.CreateClient().GetStringAsync("/healthz"));

        var connection = Assert.Single(health.RootElement.GetProperty("connections").EnumerateArray(), c => c.GetProperty("protocol").GetString() == "qqbot");
        Assert.Equal("connected", connection.GetProperty("state").GetString());
        Assert.Equal(AppId, connection.GetProperty("bot_id").GetString());
        Assert.Equal("webhook /qqbot", connection.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.String, connection.GetProperty("last_event_at").ValueKind);
    }

    [Fact]
    public async Task A_strangers_forged_delivery_is_the_last_error_but_does_not_mark_the_webhook_down()
    {
        using var service = Service();
        await PostAsync(service, ChangedMessage("clean", "明天带雨伞"));
        using var forged = new HttpRequestMessage(HttpMethod.Post, "/qqbot")
        {
            Content = new StringContent(ChangedMessage("forged", "加微信"), System.Text.Encoding.UTF8, "application/json"),
        };
        forged.Headers.Add("X-Signature-Ed25519", new string('0', 128));
        forged.Headers.Add("X-Signature-Timestamp", "1725442341");
        Assert.Equal(HttpStatusCode.Unauthorized, (await service.CreateClient().SendAsync(forged)).StatusCode);

        using var health = JsonDocument.Parse(await service.CreateClient().GetStringAsync("/healthz"));

        var connection = Assert.Single(health.RootElement.GetProperty("connections").EnumerateArray(), c => c.GetProperty("protocol").GetString() == "qqbot");
        Assert.Equal("connected", connection.GetProperty("state").GetString());
        Assert.StartsWith("last delivery refused", connection.GetProperty("last_error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_path_is_a_setting()
    {
        using var service = Service(new Dictionary<string, string?> { ["GroupGuard:QQBot:Path"] = "/hooks/qq-official" });

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(service, GroupGuardFactory.Sample("qqbot-op13-validation.json"), path: "/hooks/qq-official")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(service, GroupGuardFactory.Sample("qqbot-op13-validation.json"))).StatusCode);
    }

    [Fact]
    public async Task The_deploy_example_takes_the_callback_once_its_placeholders_are_filled()
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(RepoPaths.Root, "deploy", "qqbot-appsettings.example.json"))
            .Build();
        var failures = new QQBotOptionsValidator().Validate(null, configuration.GetSection(QQBotOptions.Section).Get<QQBotOptions>()!).Failures!.ToList();

        // As shipped, only the placeholders stop a start.
        Assert.Equal(2, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("GroupGuard:QQBot:AppId must be the bot's AppID", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("GroupGuard:QQBot:AppSecret is still the placeholder", StringComparison.Ordinal));

        // Filled in (and pointed at the fake platform), it is the service that answers the platform.
        string[] filled = ["AppId", "AppSecret", "ApiBaseUrl", "TokenUrl"];
        var settings = configuration.AsEnumerable()
            .Where(p => p.Value is not null && p.Key.StartsWith("GroupGuard:QQBot:", StringComparison.Ordinal) && !filled.Contains(p.Key["GroupGuard:QQBot:".Length..]))
            .ToDictionary(p => p.Key, p => p.Value);
        Assert.NotEmpty(settings);
        using var service = Service(settings);

        var response = await PostAsync(service, GroupGuardFactory.Sample("qqbot-op13-validation.json"), path: configuration["GroupGuard:QQBot:Path"]!);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("87befc99c42c651b", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_json_is_read()
    {
        using var service = Service();

        var response = await PostAsync(service, GroupGuardFactory.Sample("qqbot-op13-validation.json"), contentType: "text/plain");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task A_body_over_one_MiB_is_refused_413_and_nothing_is_moderated()
    {
        using var service = Service();
        var oversized = "{\"op\":0,\"pad\":\"" + new string('x', 1024 * 1024) + "\"}";

        var response = await PostAsync(service, oversized);
        var ok = await PostAsync(service, GroupGuardFactory.Sample("qqbot-op13-validation.json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("body over 1048576 bytes", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(0, service.Handled.Count);
    }

    [Fact]
    public async Task While_webhook_bodies_fill_the_buffer_a_delivery_is_answered_503_with_d_1_for_the_platform_to_deliver_it_again()
    {
        using var service = Service(new Dictionary<string, string?> { ["GroupGuard:Webhooks:BodyBufferBytes"] = "1048576" });
        var bodies = service.Services.GetRequiredService<GroupGuard.Host.Webhooks.BodyReader>();
        using var stalledBody = new StalledBody(600_000, declaredLength: 1024 * 1024);
        using var stalledRequest = new HttpRequestMessage(HttpMethod.Post, "/qqbot") { Content = stalledBody };
        using var cancel = new CancellationTokenSource();
        var stalled = service.Server.CreateClient().SendAsync(stalledRequest, cancel.Token);
        Assert.True(SpinWait.SpinUntil(() => bodies.Held >= 1024 * 1024 || stalled.IsCompleted, Patience.Safety), "the stalled body to be held");

        var response = await PostAsync(service, GroupGuardFactory.Sample("qqbot-group-message-create.json"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(QQBotAnswers.RetryLater, await response.Content.ReadAsStringAsync());
        Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stalled);
    }

    [Fact]
    public async Task Without_an_AppID_and_AppSecret_the_endpoint_answers_404()
    {
        using var service = new GroupGuardFactory();

        var response = await PostAsync(service, GroupGuardFactory.Sample("qqbot-op13-validation.json"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("GroupGuard:QQBot:AppId", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_an_AppID_and_AppSecret_the_endpoint_answers_404_without_waiting_for_the_body()
    {
        using var service = new GroupGuardFactory();
        using var body = new StalledBody(1024, declaredLength: 1024 * 1024);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/qqbot") { Content = body };

        // Before, the body was read to its end (and held) first: a sender that stalled held the request open.
        using var response = await service.Server.CreateClient().SendAsync(request, HttpCompletionOption.ResponseHeadersRead).Within("the answer while the body is still coming");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("GroupGuard:QQBot:AppId", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Half_a_configuration_stops_the_start_naming_the_keys()
    {
        using var service = new GroupGuardFactory();
        var environment = StartupAndHealthTests.Environment(service);
        environment["GroupGuard__QQBot__AppId"] = AppId;

        var outcome = await GroupGuardProcess.RunAsync(service.Folder, environment, TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, outcome.ExitCode);
        Assert.Contains("GroupGuard:QQBot:AppSecret is not set while GroupGuard:QQBot:AppId is", outcome.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", outcome.Error, StringComparison.Ordinal);
    }

    /// <summary>The sample with another message id and text.</summary>
    private static string ChangedMessage(string id, string text)
    {
        var payload = JsonNode.Parse(GroupGuardFactory.Sample("qqbot-group-message-create.json"))!.AsObject();
        payload["d"]!["id"] = id;
        payload["d"]!["content"] = text;
        return payload.ToJsonString();
    }
}
