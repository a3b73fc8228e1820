using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using GroupGuard.Host.Commands;
using GroupGuard.Testing;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Host.Tests.Commands;

/// <summary>The texts <c>/gg 检查</c> checks in reply to a message: what is remembered, and the bounds that forget the oldest first.</summary>
public sealed class RecentTextsTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2025, 11, 26, 10, 0, 0, TimeSpan.Zero));
    private readonly SettableOptions<CommandsOptions> _options = new(new CommandsOptions());

    private RecentTexts Texts(int maxMessages = 100, int maxCharacters = 10_000) =>
        new(_clock, _options, maxMessages, maxCharacters, RecentTexts.DefaultMaxAge);

    private static ChatMessage Message(string id, string text, string group = "123456") => new()
    {
        Platform = "qq",
        Protocol = Protocol.OneBotV11,
        BotId = "10001",
        GroupId = group,
        UserId = "20002",
        MessageId = id,
        Time = DateTimeOffset.UnixEpoch,
        Text = text,
    };

    private static GroupMessageRef Ref(string id, string group = "123456") => new("qq", "10001", group, id);

    [Fact]
    public void Past_the_most_messages_the_oldest_is_forgotten_first()
    {
        var texts = Texts(maxMessages: 3);
        foreach (var id in new[] { "1", "2", "3", "4" })
        {
            texts.Record(Message(id, "消息" + id), command: false);
        }

        Assert.Null(texts.Find(Ref("1")));
        Assert.Equal(["消息2", "消息3", "消息4"], new[] { "2", "3", "4" }.Select(id => texts.Find(Ref(id))!.Text));
        Assert.Equal(3, texts.Count);
    }

    [Fact]
    public void Past_the_most_characters_the_oldest_are_forgotten_until_the_texts_fit()
    {
        var texts = Texts(maxCharacters: 10);
        texts.Record(Message("1", "一二三四"), command: false);
        texts.Record(Message("2", "五六七八"), command: false);
        texts.Record(Message("3", "九十"), command: false); // 10 characters: all fit
        Assert.NotNull(texts.Find(Ref("1")));

        texts.Record(Message("4", "甲乙丙丁"), command: false); // 14: the oldest goes

        Assert.Null(texts.Find(Ref("1")));
        Assert.NotNull(texts.Find(Ref("2")));
        Assert.Equal("甲乙丙丁", texts.Find(Ref("4"))!.Text);
    }

    [Fact]
    public void A_message_older_than_the_window_is_forgotten_and_a_newer_one_kept()
    {
        var texts = Texts();
        texts.Record(Message("1", "明天交作业"), command: false);
        _clock.Advance(TimeSpan.FromMinutes(20));
        texts.Record(Message("2", "后天交作业"), command: false);
        _clock.Advance(TimeSpan.FromMinutes(11));

        Assert.Null(texts.Find(Ref("1")));
        Assert.Equal("后天交作业", texts.Find(Ref("2"))!.Text);
    }

    [Fact]
    public void A_text_longer_than_a_check_takes_keeps_its_length_only()
    {
        var texts = Texts();
        texts.Record(Message("1", new string('字', Core.Commands.GroupCommandParser.MaxCheckLength + 1)), command: false);

        var found = texts.Find(Ref("1"))!;
        Assert.True(found.TooLong);
        Assert.Equal("", found.Text);
        Assert.Equal(Core.Commands.GroupCommandParser.MaxCheckLength + 1, found.Length);
    }

    [Fact]
    public void A_message_is_found_only_in_its_own_group_and_an_id_used_again_is_the_newer_message()
    {
        var texts = Texts();
        texts.Record(Message("1", "明天交作业"), command: false);
        texts.Record(Message("1", "加微信", group: "654321"), command: false);
        texts.Record(Message("1", "后天交作业"), command: false); // a bridge that numbers from 1 again after a restart

        Assert.Equal("后天交作业", texts.Find(Ref("1"))!.Text);
        Assert.Equal("加微信", texts.Find(Ref("1", "654321"))!.Text);
        Assert.Equal(2, texts.Count);
    }

    [Fact]
    public void Nothing_is_kept_while_commands_are_off()
    {
        var texts = Texts();
        _options.Set(new CommandsOptions { Enabled = false });

        texts.Record(Message("1", "明天交作业"), command: false);

        Assert.Null(texts.Find(Ref("1")));
    }

    /// <summary>An operator who keeps no text of messages (StoreText none) has none kept in memory either; masked keeps it, as the journal does.</summary>
    [Theory]
    [InlineData(StoreText.None, false)]
    [InlineData(StoreText.Masked, true)]
    [InlineData(StoreText.Full, true)]
    public void Nothing_is_kept_when_the_operator_keeps_no_text_of_messages(StoreText storeText, bool kept)
    {
        var texts = new RecentTexts(_clock, _options, 100, 10_000, RecentTexts.DefaultMaxAge, new SettableOptions<PrivacyOptions>(new PrivacyOptions { StoreText = storeText }));

        texts.Record(Message("1", "明天交作业"), command: false);

        Assert.Equal(kept, texts.Find(Ref("1")) is not null);
    }
}
