using GroupGuard.Host.WebConsole.Pages;

namespace GroupGuard.Host.Tests.Console;

/// <summary>Which folders the console's rules sandbox may load: beside the running rules, never the whole machine.</summary>
public sealed class SandboxFolderTests
{
    [Theory]
    [InlineData("/opt/groupguard/rules", "/opt/groupguard")]
    [InlineData("/opt/groupguard/rules/", "/opt/groupguard")]
    [InlineData("/srv/rules", "/srv")]
    public void The_sandbox_tries_folders_beside_the_running_rules(string rules, string root) =>
        Assert.Equal(root, RulesModel.SandboxRoot(rules));

    [Theory]
    [InlineData("/rules")]
    [InlineData("/rules/")]
    public void With_the_rules_at_the_top_of_the_file_system_it_tries_their_own_subfolders_not_every_folder(string rules)
    {
        // A container mounts them at /rules: their parent would let /etc or /root be loaded and quoted.
        Assert.Equal("/rules", RulesModel.SandboxRoot(rules));
    }
}
