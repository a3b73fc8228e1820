using GroupGuard.Core.Rules;

namespace GroupGuard.Core.Tests.Rules;

/// <summary>A rules folder that is not there stops the start naming the setting, the folder and what to do.</summary>
public sealed class RulesOptionsTests
{
    [Fact]
    public void A_rules_folder_that_is_not_there_is_named_with_what_to_do()
    {
        var failure = Assert.Single(new RulesOptionsValidator().Validate(null, new RulesOptions { Path = "/no/such/groupguard-rules" }).Failures!);

        Assert.StartsWith("GroupGuard:Rules:Path: the folder '/no/such/groupguard-rules' does not exist: ", failure, StringComparison.Ordinal);
        Assert.Contains("set GroupGuard:Rules:Path to the folder that holds your rule packs", failure, StringComparison.Ordinal);
    }

    /// <summary>A relative path (rulez for rules) is taken from the folder the service started in, which the operator may not have thought of: the message says which.</summary>
    [Fact]
    public void A_relative_rules_folder_that_is_not_there_says_where_it_was_looked_for()
    {
        var failure = Assert.Single(new RulesOptionsValidator().Validate(null, new RulesOptions { Path = "no-such-rulez" }).Failures!);

        Assert.Contains($"the folder '{Path.Combine(Environment.CurrentDirectory, "no-such-rulez")}' does not exist", failure, StringComparison.Ordinal);
        Assert.Contains($"a relative path is taken from the folder the service was started in, {Environment.CurrentDirectory}", failure, StringComparison.Ordinal);
    }
}
