using GroupGuard.Core;
using GroupGuard.Core.Members;
using GroupGuard.Host.Pipeline;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Host.Tests.Pipeline;

public sealed class GroupNamesTests
{
    private static readonly DateTimeOffset Now = new(2025, 11, 26, 10, 0, 0, TimeSpan.Zero);

    /// <summary>A platform that answers <see cref="Answer"/> (null: it cannot say), counting the groups asked.</summary>
    private sealed class FakeAdapter(string? answer) : IGroupNameLookup
    {
        public string? Answer { get; set; } = answer;

        public List<string> Asked { get; } = [];

        public IReadOnlyCollection<Protocol> Protocols { get; } = [Protocol.OneBotV11];

        public Task<string?> GetGroupNameAsync(Protocol protocol, string platform, string botId, string groupId, CancellationToken cancellationToken)
        {
            Asked.Add(groupId);
            return Task.FromResult(Answer);
        }
    }

    /// <summary>A platform that never answers: its call ends only when cancelled.</summary>
    private sealed class SilentAdapter : IGroupNameLookup
    {
        public IReadOnlyCollection<Protocol> Protocols { get; } = [Protocol.OneBotV11];

        public async Task<string?> GetGroupNameAsync(Protocol protocol, string platform, string botId, string groupId, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return null;
        }
    }

    /// <summary>A platform whose lookup breaks its contract and throws.</summary>
    private sealed class ThrowingAdapter : IGroupNameLookup
    {
        public IReadOnlyCollection<Protocol> Protocols { get; } = [Protocol.OneBotV11];

        public Task<string?> GetGroupNameAsync(Protocol protocol, string platform, string botId, string groupId, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("a defect in the adapter");
    }

    private static Task<string?> AskAsync(GroupNames names, string groupId = "123456", Protocol protocol = Protocol.OneBotV11) =>
        names.NameOfAsync(protocol, "qq", "10001", groupId, CancellationToken.None);

    [Fact]
    public async Task A_name_an_event_carried_answers_without_asking_the_platform()
    {
        var adapter = new FakeAdapter("别的名字");
        var names = new GroupNames([adapter], new FakeTimeProvider(Now));

        names.Seen("qq", "123456", "二年级家长群");

        Assert.Equal("二年级家长群", await AskAsync(names));
        Assert.Empty(adapter.Asked);
    }

    [Fact]
    public async Task The_platforms_answer_is_remembered_for_six_hours()
    {
        var adapter = new FakeAdapter("二年级家长群");
        var clock = new FakeTimeProvider(Now);
        var names = new GroupNames([adapter], clock);

        Assert.Equal("二年级家长群", await AskAsync(names));
        clock.Advance(GroupNames.KnownLifetime - TimeSpan.FromSeconds(1));
        Assert.Equal("二年级家长群", await AskAsync(names));
        Assert.Single(adapter.Asked);

        // Groups are renamed: after six hours the platform is asked again.
        adapter.Answer = "二年级（3）班家长群";
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("二年级（3）班家长群", await AskAsync(names));
        Assert.Equal(2, adapter.Asked.Count);
    }

    [Fact]
    public async Task An_unknown_answer_is_asked_again_only_after_ten_minutes()
    {
        var adapter = new FakeAdapter(null);
        var clock = new FakeTimeProvider(Now);
        var names = new GroupNames([adapter], clock);

        Assert.Null(await AskAsync(names));
        clock.Advance(GroupNames.UnknownLifetime - TimeSpan.FromSeconds(1));
        Assert.Null(await AskAsync(names));
        Assert.Single(adapter.Asked);

        clock.Advance(TimeSpan.FromSeconds(1));
        adapter.Answer = "二年级家长群";
        Assert.Equal("二年级家长群", await AskAsync(names));
        Assert.Equal(2, adapter.Asked.Count);
    }

    [Fact]
    public async Task A_name_known_before_stands_while_the_platform_cannot_say()
    {
        var adapter = new FakeAdapter("二年级家长群");
        var clock = new FakeTimeProvider(Now);
        var names = new GroupNames([adapter], clock);
        Assert.Equal("二年级家长群", await AskAsync(names));

        clock.Advance(GroupNames.KnownLifetime);
        adapter.Answer = null;

        Assert.Equal("二年级家长群", await AskAsync(names));
        Assert.Equal("二年级家长群", await AskAsync(names));
        Assert.Equal(2, adapter.Asked.Count); // not asked again for ten minutes
    }

    [Fact]
    public async Task A_name_an_event_carries_is_preferred_to_an_older_answer()
    {
        var adapter = new FakeAdapter("二年级家长群");
        var names = new GroupNames([adapter], new FakeTimeProvider(Now));
        Assert.Equal("二年级家长群", await AskAsync(names));

        names.Seen("qq", "123456", "二年级（3）班家长群");

        Assert.Equal("二年级（3）班家长群", await AskAsync(names));
        Assert.Single(adapter.Asked);
    }

    [Fact]
    public async Task An_answer_does_not_replace_a_name_an_event_carried_meanwhile()
    {
        // The event's name came while the platform was asked: the event is the newer word.
        GroupNames? names = null;
        var adapter = new SlowAdapter(() => names!.Seen("qq", "123456", "二年级（3）班家长群"), "二年级家长群");
        names = new GroupNames([adapter], new FakeTimeProvider(Now));

        Assert.Equal("二年级（3）班家长群", await AskAsync(names));
        Assert.Equal("二年级（3）班家长群", await AskAsync(names));
        Assert.Equal(1, adapter.Asked);
    }

    /// <summary>A platform that runs <c>onAsked</c> while it is being asked, then answers.</summary>
    private sealed class SlowAdapter(Action onAsked, string answer) : IGroupNameLookup
    {
        public int Asked { get; private set; }

        public IReadOnlyCollection<Protocol> Protocols { get; } = [Protocol.OneBotV11];

        public Task<string?> GetGroupNameAsync(Protocol protocol, string platform, string botId, string groupId, CancellationToken cancellationToken)
        {
            Asked++;
            onAsked();
            return Task.FromResult<string?>(answer);
        }
    }

    [Theory]
    [InlineData("  二年级家长群 ", "二年级家长群")]
    [InlineData("二年级\n家长群", "二年级 家长群")] // a line break would start a line of a digest's own
    [InlineData("家长群\u0000", "家长群")]
    [InlineData(" \t\r\n", null)]
    [InlineData("", null)]
    public async Task A_name_is_one_trimmed_line_or_none(string answer, string? expected)
    {
        var names = new GroupNames([new FakeAdapter(answer)], new FakeTimeProvider(Now));

        Assert.Equal(expected, await AskAsync(names));
    }

    [Fact]
    public async Task A_long_name_is_cut_as_an_incident_cuts_names()
    {
        var names = new GroupNames([new FakeAdapter(new string('群', 1000))], new FakeTimeProvider(Now));

        var name = await AskAsync(names);

        Assert.Equal(Core.Moderation.StoredText.MaxNameChars, name!.Length);
        Assert.EndsWith("…", name, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_event_without_a_name_leaves_the_remembered_one()
    {
        var adapter = new FakeAdapter(null);
        var names = new GroupNames([adapter], new FakeTimeProvider(Now));
        names.Seen("qq", "123456", "二年级家长群");

        names.Seen("qq", "123456", null);
        names.Seen("qq", "123456", "  ");

        Assert.Equal("二年级家长群", await AskAsync(names));
        Assert.Empty(adapter.Asked);
    }

    [Fact]
    public async Task A_protocol_without_an_adapter_knows_only_what_events_said()
    {
        var adapter = new FakeAdapter("二年级家长群");
        var names = new GroupNames([adapter], new FakeTimeProvider(Now));

        Assert.Null(await AskAsync(names, protocol: Protocol.Milky));
        names.Seen("qq", "123456", "三年级家长群");
        Assert.Equal("三年级家长群", await AskAsync(names, protocol: Protocol.Milky));
        Assert.Empty(adapter.Asked);
    }

    [Fact]
    public async Task A_lookup_that_throws_is_no_name_and_remembered_as_such()
    {
        var names = new GroupNames([new ThrowingAdapter()], new FakeTimeProvider(Now));

        Assert.Null(await AskAsync(names));
        Assert.Null(await AskAsync(names));
    }

    [Fact]
    public async Task The_least_recently_used_group_is_forgotten_first()
    {
        var adapter = new FakeAdapter(null);
        var names = new GroupNames([adapter], new FakeTimeProvider(Now));
        names.Seen("qq", "first", "一群");
        names.Seen("qq", "second", "二群");
        Assert.Equal("一群", await AskAsync(names, "first")); // used again: "second" is now the oldest

        for (var i = 0; i < GroupNames.Capacity - 1; i++)
        {
            names.Seen("qq", "g" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), "群");
        }

        Assert.Equal("一群", await AskAsync(names, "first"));
        Assert.Null(await AskAsync(names, "second"));
        Assert.Equal(["second"], adapter.Asked);
    }

    [Fact]
    public async Task A_platform_that_does_not_answer_is_given_up_after_five_seconds_of_the_services_clock()
    {
        var clock = new FakeTimeProvider(Now);
        var names = new GroupNames([new SilentAdapter()], clock);

        var asking = AskAsync(names);
        clock.Advance(GroupNames.LookupTimeout - TimeSpan.FromMilliseconds(1));
        Assert.False(asking.IsCompleted); // no real time counts: only the clock the service is given

        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(await asking.Within("the lookup to be given up"));

        // Unknown, and remembered as such: the next hit in the group does not wait again.
        var again = AskAsync(names);
        Assert.True(again.IsCompleted);
        Assert.Null(await again);
    }

    [Fact]
    public async Task A_message_that_carries_its_groups_name_keeps_it_and_asks_nothing()
    {
        var adapter = new FakeAdapter("别的名字");
        var names = new GroupNames([adapter], new FakeTimeProvider(Now));
        var message = Messages.Group("加微信", groupName: "二年级家长群");

        Assert.Equal("二年级家长群", (await names.NamedAsync(message, CancellationToken.None)).GroupName);
        Assert.Equal("别的名字", (await names.NamedAsync(message with { GroupName = null }, CancellationToken.None)).GroupName);
        Assert.Single(adapter.Asked);
    }
}
