using GroupGuard.Host.Digests;

namespace GroupGuard.Host.Tests;

/// <summary>Telling a dead predecessor's digest claims from a live instance's.</summary>
public sealed class ClaimHolderTests
{
    [Fact]
    public void This_process_is_not_gone()
    {
        Assert.False(ClaimHolder.IsGone(ClaimHolder.Current));
    }

    [Fact]
    public void A_process_of_this_machine_that_no_longer_runs_is_gone()
    {
        Assert.True(ClaimHolder.IsGone(ClaimHolder.Describe(int.MaxValue - 7, 638_000_000_000_000_000, ClaimHolder.Machine)));
    }

    [Fact]
    public void A_reused_process_id_is_gone_when_its_start_time_differs()
    {
        var current = ClaimHolder.Current.Split('@');
        Assert.True(ClaimHolder.IsGone(ClaimHolder.Describe(int.Parse(current[0], System.Globalization.CultureInfo.InvariantCulture), 1, ClaimHolder.Machine)));
    }

    [Fact]
    public async Task A_live_process_is_not_gone_until_it_ends_whatever_its_name()
    {
        // A name with a space and a parenthesis, as /proc/PID/stat writes it in parentheses.
        using var folder = new TempFolder();
        var program = Path.Combine(folder.Path, "sl) ee (p");
        File.Copy("/bin/sleep", program); // keeps its mode: executable
        using var child = System.Diagnostics.Process.Start(program, "60");
        var holder = ClaimHolder.Describe(child.Id, ClaimHolder.StartMark(child.Id)!.Value, ClaimHolder.Machine);

        Assert.False(ClaimHolder.IsGone(holder));

        child.Kill();
        await child.WaitForExitAsync();
        Assert.True(ClaimHolder.IsGone(holder));
    }

    [Fact]
    public void A_dead_looking_process_of_another_process_namespace_on_a_host_of_the_same_name_is_not_gone()
    {
        // A container sharing the host's name (host networking): its process ids are not ours to look up.
        var elsewhere = ClaimHolder.Describe(int.MaxValue - 7, 638_000_000_000_000_000, Environment.MachineName + "#pid:[1]");

        Assert.StartsWith(Environment.MachineName + "#pid:[", ClaimHolder.Machine, StringComparison.Ordinal);
        Assert.False(ClaimHolder.IsGone(elsewhere));
    }

    [Theory]
    [InlineData("1@1@another-machine")] // another instance's: its claim runs out on its own
    [InlineData("not a holder")]
    public void What_cannot_be_checked_here_is_not_gone(string holder)
    {
        Assert.False(ClaimHolder.IsGone(holder));
    }
}
