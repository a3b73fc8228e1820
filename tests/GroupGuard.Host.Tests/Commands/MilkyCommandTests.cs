using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using GroupGuard.Core;
using GroupGuard.Milky;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host.Tests.Commands;

/// <summary><c>/gg 误判</c> over Milky: events pushed to <c>/milky</c>, the API a fake implementation on loopback.</summary>
public sealed class MilkyCommandTests
{
    private const string WebhookToken = "milky-webhook-token-2026";
    private const string ApiToken = "llbot-access-token";

    private const string Pack = """
        pack: ads
        name: 广告
        category: ads
        action: warn
        rules:
          - id: ads.contact
            terms: [加微信]
        """;

    private static GroupGuardFactory Service(FakeMilky milky)
    {
        GroupGuardFactory? service = null;
        service = new GroupGuardFactory(
            new Dictionary<string, string?>
            {
                ["GroupGuard:Milky:AccessToken"] = WebhookToken,
                ["GroupGuard:Milky:Connections:0:Url"] = milky.Url,
                ["GroupGuard:Milky:Connections:0:AccessToken"] = ApiToken,
                ["GroupGuard:Milky:Connections:0:EventStream"] = "false",
                ["GroupGuard:Milky:MaxActionsPerSecond"] = "50",
            },
            Pack,
            services => services.Replace(ServiceDescriptor.Singleton<IMilkyWebhookReceiver>(provider =>
                new MilkyWebhookReceiver(provider.GetRequiredService<IOptionsMonitor<MilkyOptions>>(), service!.WebhookClock))));
        return service;
    }

    /// <summary>The sample reply, by <paramref name="userId"/> as <paramref name="role"/>, quoting <paramref name="quoted"/>.</summary>
    private static string Reply(long seq, long quoted, string text, long userId = 30003, string role = "admin")
    {
        var body = JsonNode.Parse(GroupGuardFactory.Sample("milky-group-reply.json"))!.AsObject();
        var data = body["data"]!.AsObject();
        data["message_seq"] = seq;
        data["sender_id"] = userId;
        data["group_member"]!["user_id"] = userId;
        data["group_member"]!["role"] = role;
        data["segments"]![0]!["data"]!["message_seq"] = quoted;
        data["segments"]![2]!["data"]!["text"] = " " + text;
        return body.ToJsonString();
    }

    /// <summary>A member's message: the sample with the quote and mention taken out.</summary>
    private static string Said(long seq, string text, long time)
    {
        var body = JsonNode.Parse(Reply(seq, 0, text, userId: 20002, role: "member"))!.AsObject();
        var data = body["data"]!.AsObject();
        data["segments"] = new JsonArray(new JsonObject { ["type"] = "text", ["data"] = new JsonObject { ["text"] = text } });
        data["time"] = time;
        body["time"] = time;
        return body.ToJsonString();
    }

    private static async Task PostAsync(GroupGuardFactory service, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/milky") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", WebhookToken);
        Assert.Equal(HttpStatusCode.NoContent, (await service.CreateClient().SendAsync(request)).StatusCode);
    }

    private static string Text(MilkyApiCall call) =>
        string.Concat(call.Json["message"]!.AsArray().Where(s => (string?)s!["type"] == "text").Select(s => (string?)s!["data"]!["text"]));

    [Fact]
    public async Task An_admins_reply_to_a_warning_marks_its_incident_and_lifts_the_mute_with_duration_zero()
    {
        await using var milky = FakeMilky.Start(ApiToken);
        milky.Script("send_group_message", MilkyAnswer.Ok(new JsonObject { ["message_seq"] = 5001, ["time"] = 1764150000 }), MilkyAnswer.Ok(new JsonObject { ["message_seq"] = 5002, ["time"] = 1764150060 }));
        using var service = Service(milky);

        await PostAsync(service, Said(4001, "加微信", 1764150000));
        await service.SettledAsync(1, i => i.MessageId == "4001");
        await PostAsync(service, Said(4002, "加微信领资料", 1764150060));
        var muted = await service.SettledAsync(2, i => i.MessageId == "4002");
        Assert.Equal(600, muted.MuteSeconds);

        await PostAsync(service, Reply(5101, 5002, "/gg 误判"));

        var unmute = await milky.Calls.WaitForAsync(c => c.Api == "set_group_member_mute" && c.Json["duration"]!.GetValue<int>() == 0, "the mute lifted");
        Assert.Equal(20002, unmute.Json["user_id"]!.GetValue<long>());
        var answer = await milky.Calls.WaitForAsync(c => c.Api == "send_group_message" && Text(c).Contains("已标记误判", StringComparison.Ordinal), "the answer");
        Assert.Equal($" 已标记误判：#{muted.Id}，已解除禁言", Text(answer));
        var incidents = await service.IncidentsAsync();
        Assert.True(Assert.Single(incidents, i => i.Id == muted.Id).FalsePositive);
        Assert.False(Assert.Single(incidents, i => i.MessageId == "4001").FalsePositive);
    }

    [Fact]
    public async Task A_members_reply_to_a_warning_changes_nothing_and_is_moderated()
    {
        await using var milky = FakeMilky.Start(ApiToken);
        milky.Script("send_group_message", MilkyAnswer.Ok(new JsonObject { ["message_seq"] = 5001, ["time"] = 1764150000 }));
        using var service = Service(milky);

        await PostAsync(service, Said(4001, "加微信", 1764150000));
        await service.SettledAsync(1, i => i.MessageId == "4001");
        await PostAsync(service, Reply(5101, 5001, "/gg 误判 加微信", userId: 20005, role: "member"));

        var incidents = await service.IncidentsAfterAsync(2);
        Assert.False(Assert.Single(incidents, i => i.MessageId == "4001").FalsePositive);
        Assert.Equal("20005", Assert.Single(incidents, i => i.MessageId == "5101").UserId);
    }
}
