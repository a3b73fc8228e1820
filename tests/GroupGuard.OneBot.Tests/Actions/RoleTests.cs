using System.Text.Json.Nodes;
using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using Microsoft.Extensions.Time.Testing;
using static GroupGuard.OneBot.Tests.Actions.ActionClients;

namespace GroupGuard.OneBot.Tests.Actions;

public sealed class RoleTests : IAsyncLifetime
{
    private readonly FakeOneBotApi _api = FakeOneBotApi.Start();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Theory]
    [InlineData("owner", SenderRole.Owner)]
    [InlineData("admin", SenderRole.Admin)]
    [InlineData("member", SenderRole.Member)]
    public async Task The_role_is_read_from_get_group_member_info(string role, SenderRole expected)
    {
        _api.Default = FakeAnswer.Ok(new JsonObject { ["group_id"] = 123456, ["user_id"] = 1001, ["role"] = role });
        using var client = Create(Options(_api));

        var answer = await client.GetRoleAsync(OneBotV11, "10000", "123456", "1001", CancellationToken.None);

        Assert.Equal(expected, answer);
        var request = Assert.Single(_api.Requests);
        Assert.Equal("/get_group_member_info", request.Path);
        Assert.Equal("""{"group_id":123456,"user_id":1001,"no_cache":false}""", request.RawBody);
        Assert.Equal($"Bearer {Token}", request.Header("Authorization"));
    }

    [Fact]
    public async Task A_role_is_cached_for_ten_minutes_per_bot_group_and_user()
    {
        var time = new FakeTimeProvider();
        _api.Default = FakeAnswer.Ok(new JsonObject { ["role"] = "admin" });
        using var client = Create(Options(_api), time);

        Assert.Equal(SenderRole.Admin, await client.GetRoleAsync(OneBotV11, "10000", "123456", "1001", CancellationToken.None));
        time.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(SenderRole.Admin, await client.GetRoleAsync(OneBotV11, "10000", "123456", "1001", CancellationToken.None));
        Assert.Single(_api.Requests);

        // Each lookup is a call, spaced by the rate limit on this fake clock.
        time.Advance(TimeSpan.FromSeconds(1));
        await client.GetRoleAsync(OneBotV11, "10000", "123456", "1002", CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(1));
        await client.GetRoleAsync(OneBotV11, "10000", "654321", "1001", CancellationToken.None);
        Assert.Equal(3, _api.Requests.Count);

        time.Advance(TimeSpan.FromMinutes(1.1));
        _api.Default = FakeAnswer.Ok(new JsonObject { ["role"] = "member" });
        Assert.Equal(SenderRole.Member, await client.GetRoleAsync(OneBotV11, "10000", "123456", "1001", CancellationToken.None));
        Assert.Equal(4, _api.Requests.Count);
    }

    [Fact]
    public async Task A_failed_lookup_is_null_and_not_cached()
    {
        _api.Script("get_group_member_info", FakeAnswer.Failed(1200, wording: "群成员不存在"), FakeAnswer.Ok(new JsonObject { ["role"] = "member" }));
        using var client = Create(Options(_api));

        Assert.Null(await client.GetRoleAsync(OneBotV11, "10000", "123456", "1001", CancellationToken.None));
        Assert.Equal(SenderRole.Member, await client.GetRoleAsync(OneBotV11, "10000", "123456", "1001", CancellationToken.None));
        Assert.Equal(2, _api.Requests.Count);
    }

    [Fact]
    public async Task An_answer_without_a_known_role_is_null()
    {
        _api.Default = FakeAnswer.Ok(new JsonObject { ["role"] = "guest" });
        using var client = Create(Options(_api));

        Assert.Null(await client.GetRoleAsync(OneBotV11, "10000", "123456", "1001", CancellationToken.None));
    }

    [Fact]
    public async Task V12_and_an_unset_api_answer_null_without_a_call()
    {
        using var client = Create(Options(_api));
        using var unset = Create(Options(_api, o => o.ApiBaseUrl = null));

        Assert.Null(await client.GetRoleAsync(OneBotV12, "wxid_bot", "12345@chatroom", "wxid_a", CancellationToken.None));
        Assert.Null(await unset.GetRoleAsync(OneBotV11, "10000", "123456", "1001", CancellationToken.None));
        Assert.Empty(_api.Requests);
    }
}
