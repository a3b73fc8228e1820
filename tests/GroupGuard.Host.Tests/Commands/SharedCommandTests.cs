using GroupGuard.Core.Accounts;
using GroupGuard.Core.Commands;
using Microsoft.Extensions.DependencyInjection;

namespace GroupGuard.Host.Tests.Commands;

/// <summary>
/// Instances on one PostgreSQL database, each connected to the same bot, all hear every command
/// typed in the group: only the first to claim it (<see cref="ICommandClaims"/>) carries it out
/// and answers. (Two full instances cannot share one test process, Quartz's scheduler being one a
/// process: the other instance's claim is written as it would write it, and the claims of two at
/// once are the storage tests'.)
/// </summary>
[Collection(PostgresProcessCollection.Name)]
public sealed class SharedCommandTests(PostgresServer server)
{
    private const long Admin = 30001;
    private const long Time = 1764150000;

    [Fact]
    public async Task A_command_another_instance_claimed_is_neither_carried_out_nor_answered_here()
    {
        var database = await server.CreateDatabaseAsync("shared_commands");
        await using var api = FakeOneBotApi.Start();
        using var service = new GroupGuardFactory(GroupGuardFactory.OneBotApi(
            api.BaseUrl,
            ("GroupGuard:Storage:Provider", "postgres"),
            ("GroupGuard:Storage:ConnectionString", database),
            ("GroupGuard:InstanceId", "guard-2")));
        _ = service.CreateClient(); // started: the schema is there (on a shared database the recovery sweeps for good, so not StartedAsync)
        // guard-1 heard message 4 first and claimed it.
        var heardByBoth = Messages.Group("/gg 试运行 开", id: "4", group: "123456", user: Admin.ToString(System.Globalization.CultureInfo.InvariantCulture), time: DateTimeOffset.FromUnixTimeSeconds(Time));
        Assert.True(await service.Services.GetRequiredService<ICommandClaims>().ClaimAsync(heardByBoth, "guard-1", DateTimeOffset.UtcNow, CancellationToken.None));

        await service.PostV11Async(GroupGuardFactory.GroupEvent(4, "/gg 试运行 开", userId: Admin, role: "admin", time: Time));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(5, "/gg 状态", userId: Admin, role: "admin", time: Time + 1));
        await api.WaitForRequestAsync(r => r.Action == "send_group_msg" && Said(r).Contains("今日本群", StringComparison.Ordinal), "the answer to the command only this instance heard");

        // Answered in order: had this instance carried out message 4, its answer would have come first.
        Assert.DoesNotContain(api.RequestsFor("send_group_msg"), r => Said(r).Contains("已开启试运行", StringComparison.Ordinal));
        Assert.Null(await service.Services.GetRequiredService<GroupGuard.Core.Moderation.IGroupSwitches>().GetDryRunAsync("qq", "123456", CancellationToken.None));
        var audit = await service.Services.GetRequiredService<IAccountStore>().ReadAuditAsync(null, 100, CancellationToken.None);
        Assert.DoesNotContain(audit, a => a.Action == "group_command:试运行");
        Assert.Contains(audit, a => a.Action == "group_command:状态");
    }

    private static string Said(FakeRequest request) => (string?)request.Params["message"] ?? "";
}
