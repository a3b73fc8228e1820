using GroupGuard.Core.Commands;
using GroupGuard.Core.Rules;

namespace GroupGuard.Core.Tests.Commands;

public sealed class GroupCommandParserTests
{
    private const string Bot = "10001";

    private static GroupCommand? Parse(string text, IReadOnlyList<string>? mentions = null, string? replyTo = null, string prefix = "/gg") =>
        GroupCommandParser.Parse(text, prefix, mentions ?? [], replyTo, Bot);

    [Theory]
    [InlineData("/gg 状态")]
    [InlineData("  /gg   状态  ")]
    [InlineData("/GG 状态")]
    [InlineData("／ｇｇ　状态")] // full width, as Chinese input methods type it, with an ideographic space
    [InlineData("/gg状态")]
    [InlineData("/gg 状态 现在")]
    public void Status_is_read_with_or_without_spaces_in_either_case_and_width(string text)
    {
        var command = Parse(text);

        Assert.NotNull(command);
        Assert.Equal(GroupCommandVerb.Status, command.Verb);
        Assert.Equal("状态", command.Name);
        Assert.Null(command.Problem);
    }

    [Theory]
    [InlineData("今天 /gg 状态")]     // not at the start
    [InlineData("/ggg 状态")]        // a word that runs on from the prefix
    [InlineData("/gghello")]
    [InlineData("gg 状态")]
    [InlineData("")]
    [InlineData("/g")]
    [InlineData("/gg?是什么")]     // a question that runs on
    public void Text_that_does_not_start_with_the_prefix_is_no_command(string text) =>
        Assert.Null(Parse(text));

    [Theory]
    [InlineData("/gg")]
    [InlineData(" /gg ")]
    [InlineData("/gg 帮助")]
    [InlineData("/gg？")] // asked what it is: the list, not silence
    [InlineData("/gg?")]
    [InlineData("/gg。")]
    [InlineData("／ｇｇ ！")]
    public void The_prefix_alone_or_help_asks_for_the_list(string text)
    {
        var command = Parse(text);

        Assert.Equal(GroupCommandVerb.Help, command!.Verb);
        Assert.Null(command.Problem);
        Assert.Contains("误判", GroupCommandParser.Usage("/gg"), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_word_after_the_prefix_is_a_command_that_answers_how_to_type_one()
    {
        var command = Parse("/gg 踢人 @某人");

        Assert.Equal(GroupCommandVerb.Unknown, command!.Verb);
        Assert.StartsWith("没有这个命令", command.Problem, StringComparison.Ordinal);
    }

    /// <summary>
    /// A word that is nearly a command's, or another word for one, was answered only 没有这个命令 and
    /// the list: the answer now names the command first, by a few words of the admins' own and one
    /// character off a command's word.
    /// </summary>
    [Theory]
    [InlineData("/gg 帮主", "帮助", "帮助")]
    [InlineData("/gg 帮主？", "帮助", "帮助")]
    [InlineData("/gg 解除禁言 @张三", "解禁", "解禁 @某人")]
    [InlineData("/gg 解除禁言@张三", "解禁", "解禁 @某人")]
    [InlineData("/gg 开启试运行", "试运行 开", "试运行 开")]
    [InlineData("/gg 关闭试运行。", "试运行 关", "试运行 关")]
    [InlineData("/gg 检察 加微信", "检查", "检查 文字（或回复消息）")]
    [InlineData("/gg 检测 加微信", "检查", "检查 文字（或回复消息）")]
    [InlineData("/gg 态状", "状态", "状态")]
    [InlineData("/gg 无判 是通知", "误判", "误判（回复消息或警告）")]
    [InlineData("/gg 取消放 加微信群", "取消放行", "取消放行 词语")]
    [InlineData("/gg 放形名单", "放行名单", "放行名单")]
    [InlineData("/gg 取消 放行 加微信群", "取消放行", "取消放行 词语")] // a space typed inside a command's word
    [InlineData("/gg 试 运行 开", "试运行", "试运行 开 或 关")]
    [InlineData("/gg 白名单", "放行名单", "放行名单")]
    [InlineData("/gg 查看放行名单", "放行名单", "放行名单")]
    [InlineData("/gg HELP", "帮助", "帮助")]
    public void A_word_close_to_a_command_is_answered_with_that_command_as_it_is_typed(string text, string meant, string usage)
    {
        var command = Parse(text)!;

        if (command.Verb != GroupCommandVerb.Unknown)
        {
            Assert.Equal(meant, command.Name);
            return;
        }

        // The suggestion and where the others are, short enough for a phone (the whole list followed
        // it); help meant, the list it would have given.
        Assert.Equal($"没有这个命令，是不是想用：/gg {usage}？" + (meant == "帮助" ? GroupCommandParser.Usage("/gg") : "全部命令：/gg 帮助"), command.Problem);
    }

    /// <summary>
    /// A command's word with more typed onto it that as a whole is another command's one character
    /// off: /gg 放行明单 (放行名单 mistyped) allowed the phrase 明单 and answered 已放行「明单」. Now
    /// nothing is given to carry out; the answer suggests the command and how to allow a phrase.
    /// </summary>
    [Theory]
    [InlineData("/gg 放行明单", "放行名单")]
    [InlineData("/gg放行明单", "放行名单")]
    [InlineData("/gg 放行明单。", "放行名单")]
    [InlineData("/gg 放行的名单", "放行名单")]
    [InlineData("/gg 放行名丹", "放行名单")]
    [InlineData("/gg 放行列单", "放行名单")]
    [InlineData("/gg 放行列標", "放行名单")]
    [InlineData("／ＧＧ：放行明单", "放行名单")]
    [InlineData("/gg 放行名", "放行名单")] // cut short: 名 was allowed
    [InlineData("/gg 放行单", "放行名单")]
    [InlineData("/gg 放行列", "放行名单")]
    public void A_command_s_word_run_on_into_another_command_mistyped_suggests_that_command_and_gives_nothing_to_carry_out(string text, string meant)
    {
        var command = Parse(text)!;

        Assert.Equal(GroupCommandVerb.Unknown, command.Verb);
        Assert.Equal("", command.Argument);
        Assert.Equal($"没有这个命令，是不是想用：/gg {meant}？放行词语：/gg 放行 词语（词语前加空格）", command.Problem);
    }

    /// <summary>
    /// A command's word glued to its argument, where the whole is no other command's word mistyped,
    /// is the command and its argument as before: 放行, 取消放行, 检查, 误判 (the note), 解禁 (a QQ
    /// number), 试运行 (开, 关闭), and 状态 (the rest ignored). With a space, 明单 is a phrase like any.
    /// </summary>
    [Theory]
    [InlineData("/gg 放行微信支付", GroupCommandVerb.Allow, "微信支付")]
    [InlineData("/gg 放行名片夹子", GroupCommandVerb.Allow, "名片夹子")]
    [InlineData("/gg 放行 明单", GroupCommandVerb.Allow, "明单")]
    [InlineData("/gg 放行 名丹", GroupCommandVerb.Allow, "名丹")]
    [InlineData("/gg 取消放行加微信群", GroupCommandVerb.Disallow, "加微信群")]
    [InlineData("/gg 取消放行明单", GroupCommandVerb.Disallow, "明单")]
    [InlineData("/gg 检查加微信", GroupCommandVerb.Check, "加微信")]
    [InlineData("/gg 误判是通知", GroupCommandVerb.FalsePositive, "是通知")]
    [InlineData("/gg 解禁123456789", GroupCommandVerb.Unmute, "")]
    [InlineData("/gg 解禁@张三", GroupCommandVerb.Unmute, "")]
    [InlineData("/gg 试运行开", GroupCommandVerb.DryRun, "")]
    [InlineData("/gg 试运行关闭", GroupCommandVerb.DryRun, "")]
    [InlineData("/gg 状态吧", GroupCommandVerb.Status, "")]
    public void A_command_s_word_glued_to_a_real_argument_is_still_that_command(string text, GroupCommandVerb verb, string argument)
    {
        var command = Parse(text, mentions: text.Contains('@', StringComparison.Ordinal) ? ["20002"] : [], replyTo: "1")!;

        Assert.Equal(verb, command.Verb);
        Assert.Null(command.Problem);
        Assert.Equal(argument, command.Argument);
        if (verb == GroupCommandVerb.Unmute)
        {
            Assert.Single(command.Users);
        }

        if (verb == GroupCommandVerb.DryRun)
        {
            Assert.Equal(text.Contains('开', StringComparison.Ordinal), command.On);
        }
    }

    /// <summary>
    /// A colon or comma typed right after a command's word, in place of the space, as after the
    /// prefix: /gg 放行：加微信 wrote the phrase ：加微信, and /gg 试运行：开 did not switch.
    /// </summary>
    [Theory]
    [InlineData("/gg 放行：加微信群", GroupCommandVerb.Allow, "加微信群")]
    [InlineData("/gg 放行，加微信群", GroupCommandVerb.Allow, "加微信群")]
    [InlineData("/gg 取消放行:加微信群", GroupCommandVerb.Disallow, "加微信群")]
    [InlineData("/gg 检查：加微信", GroupCommandVerb.Check, "加微信")]
    [InlineData("/gg 误判：是通知", GroupCommandVerb.FalsePositive, "是通知")]
    [InlineData("/gg 放行名单：", GroupCommandVerb.AllowList, "")]
    [InlineData("/gg 试运行：开", GroupCommandVerb.DryRun, "")]
    public void A_colon_or_comma_right_after_a_command_s_word_is_read_as_the_space(string text, GroupCommandVerb verb, string argument)
    {
        var command = Parse(text, replyTo: "1")!;

        Assert.Equal(verb, command.Verb);
        Assert.Null(command.Problem);
        Assert.Equal(argument, command.Argument);
        if (verb == GroupCommandVerb.DryRun)
        {
            Assert.True(command.On);
        }
    }

    /// <summary>No guess where none is near, nor where two commands are equally near (状判: 状态 and 误判).</summary>
    [Theory]
    [InlineData("/gg 踢人 @某人")]
    [InlineData("/gg 状判")]
    [InlineData("/gg 好")]
    [InlineData("/gg 名单放行")]
    public void A_word_near_no_command_or_near_two_is_answered_the_list_without_a_guess(string text) =>
        Assert.Equal("没有这个命令。" + GroupCommandParser.Usage("/gg"), Parse(text)!.Problem);

    /// <summary>A colon or comma typed after the prefix in place of the space (/gg：状态) made the message no command, and nothing was answered.</summary>
    [Theory]
    [InlineData("/gg：状态", GroupCommandVerb.Status)]
    [InlineData("/gg:状态", GroupCommandVerb.Status)]
    [InlineData("/gg，帮助", GroupCommandVerb.Help)]
    [InlineData("/gg, 帮助", GroupCommandVerb.Help)]
    [InlineData("／ＧＧ：试运行 开", GroupCommandVerb.DryRun)]
    [InlineData("/gg、检查 加微信", GroupCommandVerb.Check)]
    [InlineData("/gg：", GroupCommandVerb.Help)]
    [InlineData("/gg：踢人", GroupCommandVerb.Unknown)]
    public void A_colon_or_comma_right_after_the_prefix_is_read_as_the_space(string text, GroupCommandVerb verb)
    {
        var command = Parse(text)!;

        Assert.Equal(verb, command.Verb);
        Assert.Equal(verb == GroupCommandVerb.Unknown, command.Problem is not null);
    }

    [Theory]
    [InlineData("/ggg")]
    [InlineData("/gg好")]
    [InlineData("/gghello：状态")]
    [InlineData("/gg-状态")]
    [InlineData("/gghelp")] // a word of one's own, run on: perhaps another bot's command
    [InlineData("/gg今天")]
    [InlineData("/gg帮")] // one character
    [InlineData("/gg帮主你好")]
    [InlineData("/gg状判")] // as near 状态 as 误判
    public void A_word_that_runs_on_from_the_prefix_stays_no_command(string text) =>
        Assert.Null(Parse(text));

    /// <summary>
    /// /gg帮主, 帮助 mistyped with no space after the prefix, was no command and went unanswered,
    /// while /gg 帮主 suggested 帮助: a command's own word one character off, run on from the prefix,
    /// is answered as it is with the space.
    /// </summary>
    [Theory]
    [InlineData("/gg帮主", "/gg 帮主")]
    [InlineData("/gg帮主？", "/gg 帮主")]
    [InlineData("／ＧＧ帮主", "/gg 帮主")]
    [InlineData("/gg检察 加微信", "/gg 检察 加微信")]
    [InlineData("/gg态状", "/gg 态状")]
    [InlineData("/gg放形名单", "/gg 放形名单")]
    [InlineData("/gg取消放 加微信群", "/gg 取消放 加微信群")]
    public void A_command_s_word_mistyped_run_on_from_the_prefix_is_answered_as_with_a_space(string text, string spaced)
    {
        var command = Parse(text)!;

        Assert.Equal(GroupCommandVerb.Unknown, command.Verb);
        Assert.Equal("", command.Argument);
        Assert.StartsWith("没有这个命令，是不是想用：", command.Problem, StringComparison.Ordinal);
        Assert.Equal(Parse(spaced)!.Problem, command.Problem);
    }

    [Fact]
    public void Another_prefix_is_honoured_and_the_default_no_longer_is()
    {
        Assert.Equal(GroupCommandVerb.DryRun, Parse("!管理 试运行 开", prefix: "!管理")!.Verb);
        Assert.Null(Parse("/gg 试运行 开", prefix: "!管理"));
    }

    [Fact]
    public void False_positive_needs_a_reply_and_keeps_a_note_and_the_mentions_but_not_the_bot()
    {
        var command = Parse("/gg 误判 通知，不是广告", mentions: [Bot, "20002"], replyTo: "9001");

        Assert.Equal(GroupCommandVerb.FalsePositive, command!.Verb);
        Assert.Null(command.Problem);
        Assert.Equal("9001", command.ReplyTo);
        Assert.Equal("通知，不是广告", command.Argument);
        Assert.Equal(["20002"], command.Users);

        var unreplied = Parse("/gg 误判");
        Assert.Equal(GroupCommandVerb.FalsePositive, unreplied!.Verb);
        Assert.Contains("回复", unreplied.Problem, StringComparison.Ordinal);
    }

    /// <summary>/gg 误判！ kept ！ as its note, in place of the note an earlier 误判 of the same warning kept.</summary>
    [Theory]
    [InlineData("/gg 误判！")]
    [InlineData("/gg 误判 。")]
    [InlineData("/gg 误判？？")]
    public void False_positive_with_marks_alone_has_no_note(string text)
    {
        var command = Parse(text, replyTo: "1")!;

        Assert.Equal(GroupCommandVerb.FalsePositive, command.Verb);
        Assert.Null(command.Problem);
        Assert.Equal("", command.Argument);
    }

    [Fact]
    public void A_long_note_is_cut()
    {
        var command = Parse("/gg 误判 " + new string('很', 300), replyTo: "1");

        Assert.Equal(GroupCommandParser.MaxNoteLength, command!.Argument.Length);
    }

    [Fact]
    public void Unmute_takes_the_mentioned_members_and_qq_numbers_typed_out_never_the_bot()
    {
        var command = Parse("/gg 解禁 123456789 @987654321 abc 12", mentions: ["20002", Bot, "20002"]);

        Assert.Equal(GroupCommandVerb.Unmute, command!.Verb);
        Assert.Null(command.Problem);
        Assert.Equal(["20002", "123456789", "987654321"], command.Users);
    }

    /// <summary>
    /// QQ numbers parted by ，or 、 (as a list is typed in Chinese), or after a full-width ＠, were
    /// no member, and the admin was answered 请 @ 要解禁的人.
    /// </summary>
    [Theory]
    [InlineData("/gg 解禁 123456789，987654321")]
    [InlineData("/gg 解禁 123456789、987654321。")]
    [InlineData("/gg 解禁 ＠123456789 ＠987654321")]
    [InlineData("/gg 解禁 QQ123456789 qq987654321")] // as a number is often written
    public void Unmute_takes_qq_numbers_parted_by_commas_or_after_a_full_width_at(string text) =>
        Assert.Equal(["123456789", "987654321"], Parse(text)!.Users);

    /// <summary>A name typed after @ by hand is no mention: 请 @ 要解禁的人 left an admin who had typed @小王 puzzled.</summary>
    [Fact]
    public void Unmute_of_a_name_typed_after_an_at_by_hand_says_it_is_no_mention_and_how_to_mention()
    {
        Assert.Equal("手打的「@小王」不算 @：请输入 @ 后从成员列表中选人，或写 QQ 号", Parse("/gg 解禁 @小王")!.Problem);
        Assert.Equal("手打的「＠小王」不算 @：请输入 @ 后从成员列表中选人，或写 QQ 号", Parse("/gg 解禁 ＠小王", mentions: [Bot])!.Problem);
        Assert.Equal("请 @ 要解禁的人：/gg 解禁 @某人", Parse("/gg 解禁 小王")!.Problem);
    }

    [Fact]
    public void Unmute_without_anyone_or_with_too_many_says_how()
    {
        Assert.Contains("@", Parse("/gg 解禁", mentions: [Bot])!.Problem, StringComparison.Ordinal);
        var many = Enumerable.Range(0, GroupCommandParser.MaxUsers + 1).Select(i => (30000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.NotNull(Parse("/gg 解禁", mentions: many)!.Problem);
    }

    [Theory]
    [InlineData("/gg 放行 加微信群", "加微信群")]
    [InlineData("/gg 放行  微信 支付 ", "微信 支付")]
    [InlineData("/gg放行微信支付", "微信支付")]
    public void Allow_takes_the_rest_of_the_text_as_the_phrase(string text, string phrase)
    {
        var command = Parse(text);

        Assert.Equal(GroupCommandVerb.Allow, command!.Verb);
        Assert.Null(command.Problem);
        Assert.Equal(phrase, command.Argument);
    }

    [Theory]
    [InlineData("/gg 取消放行 加微信群", "加微信群")]
    [InlineData("/gg取消放行 微信 支付 ", "微信 支付")]
    public void Disallow_takes_the_rest_of_the_text_as_the_phrase_and_is_not_read_as_allow(string text, string phrase)
    {
        var command = Parse(text);

        Assert.Equal(GroupCommandVerb.Disallow, command!.Verb);
        Assert.Equal("取消放行", command.Name);
        Assert.Null(command.Problem);
        Assert.Equal(phrase, command.Argument);
    }

    [Fact]
    public void The_allow_list_asked_for_is_never_read_as_a_phrase_to_allow()
    {
        Assert.Equal(GroupCommandVerb.AllowList, Parse("/gg 放行名单")!.Verb);
        Assert.Null(Parse("/gg 放行名单")!.Problem);
        Assert.Null(Parse("/gg 放行名单？")!.Problem); // asked for: it was answered how to type it
        Assert.Equal("放行名单", Parse("/gg 放行列表")!.Name);

        // Typed without a space, a phrase that starts like the list's name is neither: the answer says how to type each.
        var runOn = Parse("/gg放行名单上的人")!;
        Assert.Equal(GroupCommandVerb.AllowList, runOn.Verb);
        Assert.Contains("/gg 放行 词语", runOn.Problem, StringComparison.Ordinal);

        var spaced = Parse("/gg 放行 名单上的人")!;
        Assert.Equal(GroupCommandVerb.Allow, spaced.Verb);
        Assert.Equal("名单上的人", spaced.Argument);
    }

    /// <summary>
    /// /gg 放行 名单, 放行名单 with a space typed inside, allowed the phrase 名单 and answered
    /// 已放行「名单」. The verb's word and the rest of another command's word, typed apart, are now
    /// read as that command when it only reads (the answer says so first), else suggest it.
    /// </summary>
    [Theory]
    [InlineData("/gg 放行 名单")]
    [InlineData("/gg 放行 列表")]
    [InlineData("/gg 放行 名单？")]
    [InlineData("/gg 放行 名单。")]
    [InlineData("/gg 放行：名单")]
    [InlineData("/gg放行 名 单")]
    public void Allow_of_the_rest_of_the_allow_list_s_word_is_the_allow_list_and_says_so(string text)
    {
        var command = Parse(text, replyTo: "1")!;

        Assert.Equal(GroupCommandVerb.AllowList, command.Verb);
        Assert.Equal("放行名单", command.Name);
        Assert.Null(command.Problem);
        Assert.Equal("", command.Argument);
        Assert.Equal("按 /gg 放行名单 处理：", command.ReadAs);
    }

    [Theory]
    [InlineData("/gg 取消放行 名单")]
    [InlineData("/gg 取消放行 列表？")]
    public void Disallow_of_the_rest_of_the_allow_list_s_word_takes_nothing_off_and_suggests_the_list(string text)
    {
        var command = Parse(text)!;

        Assert.Equal(GroupCommandVerb.Unknown, command.Verb);
        Assert.Equal("", command.Argument);
        Assert.Equal("没有这个命令，是不是想用：/gg 放行名单？取消放行词语：/gg 取消放行 词语", command.Problem);
    }

    [Theory]
    [InlineData("/gg 放行 名单上的人", GroupCommandVerb.Allow, "名单上的人")]
    [InlineData("/gg 放行 单", GroupCommandVerb.Allow, "单")]
    [InlineData("/gg 取消放行 名单上的人", GroupCommandVerb.Disallow, "名单上的人")]
    [InlineData("/gg 检查 名单", GroupCommandVerb.Check, "名单")]
    public void A_phrase_that_is_more_or_less_than_the_rest_of_a_command_s_word_is_a_phrase(string text, GroupCommandVerb verb, string argument)
    {
        var command = Parse(text)!;

        Assert.Equal(verb, command.Verb);
        Assert.Null(command.Problem);
        Assert.Null(command.ReadAs);
        Assert.Equal(argument, command.Argument);
    }

    [Theory]
    [InlineData("/gg 取消放行", "用法")]
    [InlineData("/gg 取消放行 加微信 # 注释", "#")]
    public void Disallow_says_how_to_type_it(string text, string said)
    {
        var command = Parse(text);

        Assert.Equal(GroupCommandVerb.Disallow, command!.Verb);
        Assert.Contains(said, command.Problem, StringComparison.Ordinal);
        Assert.Contains("取消放行", GroupCommandParser.Usage("/gg"), StringComparison.Ordinal); // the help lists it
    }

    [Theory]
    [InlineData("/gg 放行", "用法")]
    [InlineData("/gg 放行 ～～", "文字")]
    [InlineData("/gg 放行 ！！", "用法")] // the marks at its end are no part of it: nothing left
    [InlineData("/gg 放行 加微信 # 注释", "#")]
    public void Allow_refuses_what_could_not_be_a_line_of_an_allow_list(string text, string said)
    {
        var command = Parse(text);

        Assert.Equal(GroupCommandVerb.Allow, command!.Verb);
        Assert.Contains(said, command.Problem, StringComparison.Ordinal);
    }

    /// <summary>
    /// An admin meaning to let a member be: a mention typed out (@张三) was written to the list as a
    /// phrase and answered 已放行「@张三」; a member mentioned in place of a phrase was answered only
    /// 用法：/gg 放行 词语. Both now say 放行 is for words, and what to do for a message flagged wrongly.
    /// </summary>
    [Theory]
    [InlineData("/gg 放行 @张三")]
    [InlineData("/gg 放行 ＠张三")]
    [InlineData("/gg 放行")] // with a member mentioned
    public void Allow_of_a_member_in_place_of_a_phrase_says_it_is_for_words_and_how_to_clear_a_message(string text)
    {
        var command = Parse(text, mentions: ["20002", Bot])!;

        Assert.Equal(GroupCommandVerb.Allow, command.Verb);
        Assert.Equal("放行只针对词语，不针对人：/gg 放行 词语；某人的消息被误判，请回复那条消息再发 /gg 误判", command.Problem);
    }

    [Fact]
    public void Allow_in_reply_to_a_member_s_message_takes_its_phrase_and_without_a_mention_says_how()
    {
        // A reply in QQ mentions the quoted message's sender; the phrase is the admin's all the same.
        Assert.Equal("加微信群", Parse("/gg 放行 加微信群", mentions: ["20002"], replyTo: "1")!.Argument);
        Assert.Equal("用法：/gg 放行 词语", Parse("/gg 放行", mentions: [Bot])!.Problem);
    }

    [Theory]
    [InlineData("/gg 放行")] // the reply's own mention of the sender
    [InlineData("/gg 放行。")]
    public void Allow_alone_in_reply_to_a_message_says_to_send_false_positive_the_same_way(string text)
    {
        var command = Parse(text, mentions: ["20002"], replyTo: "1")!;

        // It was told to reply to that message and send 误判: what the admin had just done, with 放行.
        Assert.Equal("放行只针对词语：/gg 放行 词语；要把回复的这条消息标为误判，请同样回复它发 /gg 误判", command.Problem);
        Assert.Equal("", command.Argument);
    }

    /// <summary>
    /// Several phrases run together were written as one line, which cancels a hit only where its
    /// parts stand one right after the other, and answered 已放行: the answer now says to send each.
    /// </summary>
    [Theory]
    [InlineData("/gg 放行 加微信群，扫码进群", "一次放行一个说法：请分别发送 /gg 放行 加微信群 和 /gg 放行 扫码进群")]
    [InlineData("/gg 放行 加微信群、扫码进群；私聊领取", "一次放行一个说法：请分别发送 /gg 放行 加微信群、/gg 放行 扫码进群 和 /gg 放行 私聊领取")]
    [InlineData("/gg 放行 加微信群, 扫码进群", "一次放行一个说法：请分别发送 /gg 放行 加微信群 和 /gg 放行 扫码进群")]
    public void Allow_of_several_phrases_run_together_says_to_send_one_at_a_time(string text, string said)
    {
        var command = Parse(text);

        Assert.Equal(GroupCommandVerb.Allow, command!.Verb);
        Assert.Equal(said, command.Problem);
    }

    [Theory]
    [InlineData("/gg 放行 加微信群，", "加微信群，")]
    [InlineData("/gg 放行 加微信群 扫码进群", "加微信群 扫码进群")]
    public void Allow_of_one_phrase_with_a_comma_at_its_end_or_spaces_in_it_is_taken(string text, string phrase)
    {
        var command = Parse(text);

        Assert.Null(command!.Problem);
        Assert.Equal(phrase, command.Argument);
    }

    /// <summary>
    /// A phrase typed in quotes, as the answers quote phrases (「加**群」), was written with them:
    /// 「加微信群」 as a line, answered 已放行「「加微信群」」, which 取消放行 加微信群 could not find.
    /// </summary>
    [Theory]
    [InlineData("/gg 放行「加微信群」", GroupCommandVerb.Allow, "加微信群")]
    [InlineData("/gg 放行 “加微信群”。", GroupCommandVerb.Allow, "加微信群")]
    [InlineData("/gg 放行 \"扫码 进群\"", GroupCommandVerb.Allow, "扫码 进群")]
    [InlineData("/gg 放行 『加微信群。』", GroupCommandVerb.Allow, "加微信群")]
    [InlineData("/gg 取消放行「加微信群」", GroupCommandVerb.Disallow, "加微信群")]
    [InlineData("/gg 放行 「加」微信「群」", GroupCommandVerb.Allow, "「加」微信「群」")] // quotes inside: as typed
    [InlineData("/gg 放行 加微信群」", GroupCommandVerb.Allow, "加微信群」")]
    public void A_phrase_in_quotes_is_the_phrase_inside_them(string text, GroupCommandVerb verb, string phrase)
    {
        var command = Parse(text)!;

        Assert.Equal(verb, command.Verb);
        Assert.Null(command.Problem);
        Assert.Equal(phrase, command.Argument);
    }

    [Theory]
    [InlineData("/gg 放行 「」")]
    [InlineData("/gg 放行 「 」")]
    public void Quotes_around_nothing_are_no_phrase(string text) =>
        Assert.NotNull(Parse(text)!.Problem);

    [Fact]
    public void Allow_refuses_a_phrase_over_the_length()
    {
        var command = Parse("/gg 放行 " + new string('字', GroupAllowList.MaxPhraseLength + 1));

        Assert.Contains(GroupAllowList.MaxPhraseLength.ToString(System.Globalization.CultureInfo.InvariantCulture), command!.Problem, StringComparison.Ordinal);
        Assert.Null(Parse("/gg 放行 " + new string('字', GroupAllowList.MaxPhraseLength))!.Problem);
    }

    [Theory]
    [InlineData("/gg 检查 快递真垃圾", "快递真垃圾")]
    [InlineData("/gg检查 加 微 信 ", "加 微 信")]
    public void Check_takes_the_rest_of_the_text_as_the_text_to_check(string text, string checkedText)
    {
        var command = Parse(text);

        Assert.Equal(GroupCommandVerb.Check, command!.Verb);
        Assert.Null(command.Problem);
        Assert.Equal(checkedText, command.Argument);
        Assert.Contains("检查 文字", GroupCommandParser.Usage("/gg"), StringComparison.Ordinal);
    }

    /// <summary>
    /// On a phone an admin replies to the message with /gg 检查: it checks that message (the caller
    /// finds its text), where it answered only how to type the command. Text typed after it is
    /// checked as ever, the reply aside, and past the length it says so as ever.
    /// </summary>
    [Fact]
    public void Check_without_text_in_reply_to_a_message_checks_that_message_and_with_text_the_text()
    {
        var replied = Parse("/gg 检查", replyTo: "88130");
        Assert.Equal(GroupCommandVerb.Check, replied!.Verb);
        Assert.Null(replied.Problem);
        Assert.Equal("", replied.Argument);
        Assert.Equal("88130", replied.ReplyTo);
        Assert.Null(Parse("／ｇｇ 检查。", replyTo: "88130")!.Problem); // a full stop typed after it is no text to check

        var typed = Parse("/gg 检查 明天交作业", replyTo: "88130");
        Assert.Null(typed!.Problem);
        Assert.Equal("明天交作业", typed.Argument);

        Assert.Contains("500", Parse("/gg 检查 " + new string('字', GroupCommandParser.MaxCheckLength + 1), replyTo: "88130")!.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_without_text_or_past_the_length_says_how_to_type_it()
    {
        Assert.Equal("用法：/gg 检查 要检查的文字；或回复要检查的消息发 /gg 检查", Parse("/gg 检查")!.Problem);
        Assert.Contains("500", Parse("/gg 检查 " + new string('字', GroupCommandParser.MaxCheckLength + 1))!.Problem, StringComparison.Ordinal);
        Assert.Null(Parse("/gg 检查 " + new string('字', GroupCommandParser.MaxCheckLength))!.Problem);
    }

    [Theory]
    [InlineData("/gg 试运行 开", true)]
    [InlineData("/gg 试运行 开启", true)]
    [InlineData("/gg 试运行 ON", true)]
    [InlineData("/gg 试运行 关", false)]
    [InlineData("/gg 试运行关闭", false)]
    [InlineData("/gg 试运行 off", false)]
    public void Dry_run_is_switched_on_or_off(string text, bool on)
    {
        var command = Parse(text);

        Assert.Equal(GroupCommandVerb.DryRun, command!.Verb);
        Assert.Null(command.Problem);
        Assert.Equal(on, command.On);
    }

    /// <summary>
    /// 试运行 alone was answered only how to switch it: the answer now says what it is, so it asks;
    /// so does a word that is neither on nor off (试运行 也许 was answered only 用法：…, and the admin
    /// still did not know which it was), or a question (试运行 开？ is not a yes).
    /// </summary>
    [Theory]
    [InlineData("/gg 试运行")]
    [InlineData("/gg 试运行。")]
    [InlineData("/gg 试运行？")]
    [InlineData("/gg 试运行 ?")]
    [InlineData("/gg 试运行 也许")]
    [InlineData("/gg 试运行 开？")]
    [InlineData("/gg 试运行 开不开")]
    public void Dry_run_alone_or_asked_asks_what_it_is(string text)
    {
        var command = Parse(text)!;

        Assert.Equal(GroupCommandVerb.DryRun, command.Verb);
        Assert.Null(command.Problem);
        Assert.Null(command.On);
    }

    /// <summary>
    /// A full stop typed at the end out of habit was read as part of the command: 试运行 开。 was
    /// answered how to type 试运行 开, 放行名单。 how to type 放行名单, and 放行 加微信群。 wrote
    /// 加微信群。, which 取消放行 加微信群 then could not find.
    /// </summary>
    [Theory]
    [InlineData("/gg 试运行 开。", GroupCommandVerb.DryRun, "")]
    [InlineData("/gg 试运行 关！", GroupCommandVerb.DryRun, "")]
    [InlineData("/gg 放行名单。", GroupCommandVerb.AllowList, "")]
    [InlineData("/gg 放行 加微信群。", GroupCommandVerb.Allow, "加微信群")]
    [InlineData("/gg 取消放行 加微信群 。", GroupCommandVerb.Disallow, "加微信群")]
    [InlineData("/gg 解禁 123456789.", GroupCommandVerb.Unmute, "")]
    public void A_full_stop_typed_at_the_end_is_no_part_of_the_command(string text, GroupCommandVerb verb, string argument)
    {
        var command = Parse(text)!;

        Assert.Equal(verb, command.Verb);
        Assert.Null(command.Problem);
        Assert.Equal(argument, command.Argument);
        if (verb == GroupCommandVerb.DryRun)
        {
            Assert.Equal(text.Contains('开', StringComparison.Ordinal), command.On);
        }

        if (verb == GroupCommandVerb.Unmute)
        {
            Assert.Equal(["123456789"], command.Users);
        }
    }

    [Fact]
    public void The_text_to_check_and_the_note_keep_their_full_stop_as_typed()
    {
        Assert.Equal("加微信。", Parse("/gg 检查 加微信。")!.Argument);
        Assert.Equal("是通知！", Parse("/gg 误判 是通知！", replyTo: "1")!.Argument);
        Assert.Null(Parse("/gg 试运行 开？")!.On); // a question is not a yes
    }

    /// <summary>The list said 检查 文字 only: an admin on a phone did not learn that 检查 sent as a reply checks the message replied to.</summary>
    [Fact]
    public void The_help_parts_the_commands_with_full_width_semicolons_and_no_bars_and_says_check_works_as_a_reply() =>
        Assert.Equal(
            "在 /gg 后空一格写命令：状态；误判（回复消息或警告）；解禁 @某人；放行 词语；放行名单；取消放行 词语；信任 @某人；信任名单；取消信任 @某人；试运行 开 或 关；检查 文字（或回复消息）",
            GroupCommandParser.Usage("/gg"));

    [Fact]
    public void A_chat_message_is_read_with_its_mentions_reply_and_bot()
    {
        var message = Messages.Group(" /gg 误判", mentions: ["10001"], replyTo: "-2147001234", bot: "10001");

        var command = GroupCommandParser.Parse(message, "/gg");

        Assert.Equal(GroupCommandVerb.FalsePositive, command!.Verb);
        Assert.Equal("-2147001234", command.ReplyTo);
        Assert.Empty(command.Users);
    }
    [Fact]
    public void Any_text_a_member_types_is_read_as_a_command_with_its_answer_or_as_no_command_never_an_exception()
    {
        string[] pieces = ["/gg", "／ｇｇ", "/GG", " ", "　", "\n", "状态", "帮助", "误判", "解禁", "放行", "试运行", "检查", "开", "关", "on", "off",
            "@", "#", "!", "！！", "加微信", "\uD800", "\uDC00", "😀", "\u200B", "\0", "1", "-1", "99999999999999999999", new string('广', 60), new string('字', 600), "\t"];
        var random = new Random(20261205);
        int commands = 0, none = 0;
        for (var variant = 0; variant < 3000; variant++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(1, 8)).Select(_ => pieces[random.Next(pieces.Length)]));
            var mentions = Enumerable.Range(0, random.Next(0, 4)).Select(_ => random.Next(3) switch { 0 => Bot, 1 => "", _ => random.Next(100).ToString(System.Globalization.CultureInfo.InvariantCulture) }).ToList();
            var replyTo = random.Next(2) == 0 ? null : "m" + variant;
            GroupCommand? command;
            try
            {
                command = Parse(text, mentions, replyTo);
            }
            catch (Exception ex)
            {
                Assert.Fail($"variant {variant} threw {ex}\ntext: {text}");
                return;
            }

            if (command is null)
            {
                none++;
                continue;
            }

            commands++;
            Assert.False(string.IsNullOrWhiteSpace(command.Name), $"variant {variant}: a command without a name");
            Assert.DoesNotContain(Bot, command.Users);
            Assert.True(command.Problem is null || command.Problem.Length < 300, $"variant {variant}: a problem of {command.Problem?.Length} characters");
        }

        Assert.True(commands > 0 && none > 0, $"{commands} commands, {none} not commands");
    }

    [Theory]
    [InlineData("/gg 信任 @张三", GroupCommandVerb.Trust, "信任")]
    [InlineData("/gg 信任@张三", GroupCommandVerb.Trust, "信任")]
    [InlineData("/gg：信任 @张三。", GroupCommandVerb.Trust, "信任")]
    [InlineData("/gg 取消信任 @张三", GroupCommandVerb.Untrust, "取消信任")]
    [InlineData("/gg 取消信任@张三", GroupCommandVerb.Untrust, "取消信任")]
    public void Trust_and_untrust_name_the_members_mentioned_never_the_bot(string text, GroupCommandVerb verb, string name)
    {
        var command = Parse(text, mentions: ["20002", Bot]);

        Assert.Equal(verb, command!.Verb);
        Assert.Equal(name, command.Name);
        Assert.Null(command.Problem);
        Assert.Equal(["20002"], command.Users);
    }

    /// <summary>QQ numbers typed are members as for 解禁: several parted as a list is typed, with or without @.</summary>
    [Theory]
    [InlineData("/gg 信任 123456789 987654321")]
    [InlineData("/gg 信任 123456789，987654321")]
    [InlineData("/gg 信任 @123456789、＠987654321。")]
    [InlineData("/gg 取消信任 123456789 987654321")]
    public void Trust_takes_qq_numbers_typed_as_unmute_does(string text)
    {
        var command = Parse(text);

        Assert.Null(command!.Problem);
        Assert.Equal(["123456789", "987654321"], command.Users);
    }

    [Fact]
    public void Trust_without_a_member_or_with_too_many_says_how_to_give_it()
    {
        Assert.Equal("请 @ 要信任的人：/gg 信任 @某人", Parse("/gg 信任")!.Problem);
        Assert.Equal("请 @ 要取消信任的人：/gg 取消信任 @某人", Parse("/gg 取消信任 老师")!.Problem);
        Assert.Equal("手打的「@王老师」不算 @：请输入 @ 后从成员列表中选人，或写 QQ 号", Parse("/gg 信任 @王老师")!.Problem);
        Assert.Equal("「1234」不是 QQ 号（5 到 20 位数字）：请 @ 要信任的人，或写 QQ 号", Parse("/gg 信任 1234")!.Problem);
        Assert.Equal("「1234」不是 QQ 号（5 到 20 位数字）：请 @ 要解禁的人，或写 QQ 号", Parse("/gg 解禁 1234")!.Problem);
        Assert.Equal("一次最多信任 10 人", Parse("/gg 信任", mentions: [.. Enumerable.Range(20001, 11).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))])!.Problem);
        Assert.Empty(Parse("/gg 信任")!.Users); // nothing is trusted for a typo
    }

    [Theory]
    [InlineData("/gg 信任名单")]
    [InlineData("/gg 信任列表")]
    [InlineData("/gg 信任名单？")]
    [InlineData("/gg信任名单。")]
    public void The_trust_list_is_asked_for_as_the_allow_list_is(string text)
    {
        var command = Parse(text, mentions: ["20002"]);

        Assert.Equal(GroupCommandVerb.TrustList, command!.Verb);
        Assert.Equal("信任名单", command.Name);
        Assert.Null(command.Problem);
    }

    [Fact]
    public void Trust_list_with_words_run_on_is_neither_a_list_nor_a_trust()
    {
        var command = Parse("/gg 信任名单上的人");

        Assert.Equal(GroupCommandVerb.TrustList, command!.Verb);
        Assert.Equal("查看本群信任名单：/gg 信任名单；信任某人：/gg 信任 @某人（@前加空格）", command.Problem);
    }

    /// <summary>
    /// Near misses of the new words suggest them, in the words admins use (豁免, 删除信任), and the
    /// near misses of the commands before them suggest what they did: 信任 is two characters from
    /// every other command's word, 信任名单 from 放行名单, 取消信任 from 取消放行.
    /// </summary>
    [Theory]
    [InlineData("/gg 信认 @张三", "信任 @某人")]
    [InlineData("/gg 新任", "信任 @某人")]
    [InlineData("/gg 豁免 @张三", "信任 @某人")]
    [InlineData("/gg 取消信认 @张三", "取消信任 @某人")]
    [InlineData("/gg 删除信任 @张三", "取消信任 @某人")]
    [InlineData("/gg 不信任 @张三", "取消信任 @某人")]
    [InlineData("/gg 取消 信任", "取消信任 @某人")]
    [InlineData("/gg 查看信任", "信任名单")]
    [InlineData("/gg 放行明单", "放行名单")]
    [InlineData("/gg 取消方行 加微信", "取消放行 词语")]
    [InlineData("/gg 检察", "检查 文字（或回复消息）")]
    [InlineData("/gg 解进", "解禁 @某人")]
    [InlineData("/gg 白名单", "放行名单")]
    public void Near_misses_suggest_the_one_command_meant(string text, string usage)
    {
        var command = Parse(text, mentions: ["20002"]);

        Assert.Equal(GroupCommandVerb.Unknown, command!.Verb);
        Assert.StartsWith($"没有这个命令，是不是想用：/gg {usage}？", command.Problem, StringComparison.Ordinal);
        Assert.Empty(command.Users);
    }

    /// <summary>名单 alone may be either list: neither is suggested, the whole list of commands names both.</summary>
    [Theory]
    [InlineData("/gg 名单")]
    [InlineData("/gg 查看名单")]
    public void A_list_asked_for_without_saying_which_is_answered_with_every_command(string text)
    {
        var command = Parse(text)!;

        Assert.Equal(GroupCommandVerb.Unknown, command.Verb);
        Assert.DoesNotContain("是不是想用", command.Problem, StringComparison.Ordinal);
        Assert.Contains("放行名单", command.Problem, StringComparison.Ordinal);
        Assert.Contains("信任名单", command.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/gg 信任明单")]
    [InlineData("/gg 信任名")]
    public void A_trust_list_mistyped_glued_to_trust_suggests_the_list_and_trusts_nobody(string text)
    {
        var command = Parse(text);

        Assert.Equal(GroupCommandVerb.Unknown, command!.Verb);
        Assert.StartsWith("没有这个命令，是不是想用：/gg 信任名单？", command.Problem, StringComparison.Ordinal);
    }
}
