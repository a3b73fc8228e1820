using System.Text;
using GroupGuard.Channels.Tests.Support;
using GroupGuard.Core.Digests;

namespace GroupGuard.Channels.Tests;

public sealed class FileChannelTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private string Root => _folder.Path;

    public void Dispose() => _folder.Dispose();

    private FileChannel Channel(string path) => new("archive", new FileChannelOptions { Path = path }, Digests.Log);

    [Fact]
    public async Task Writes_the_markdown_named_by_leader_and_period_end_to_the_millisecond_creating_the_folder()
    {
        var folder = Path.Combine(Root, "data", "digests");
        var digest = Digests.Sample();

        await Channel(folder).SendAsync(digest, CancellationToken.None);

        var file = Path.Combine(folder, "王经理-20240502-080000-000.md");
        Assert.Equal(digest.Markdown, await File.ReadAllTextAsync(file, Encoding.UTF8));
        Assert.Equal([file], Directory.GetFiles(folder));
        // No byte-order mark: the file starts with the Markdown.
        Assert.Equal((byte)'#', (await File.ReadAllBytesAsync(file))[0]);
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task A_digest_file_is_readable_by_the_service_user_only()
    {
        await Channel(Root).SendAsync(Digests.Sample(), CancellationToken.None);

        // It names members and quotes what they wrote.
        var file = Assert.Single(Directory.GetFiles(Root));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
    }

    [Fact]
    public async Task Sending_the_same_digest_again_keeps_its_one_file_and_leaves_no_temporary_files()
    {
        // A retry after a crash between the write and the outcome.
        await Channel(Root).SendAsync(Digests.Sample("日报\n"), CancellationToken.None);
        await Channel(Root).SendAsync(Digests.Sample("日报\n"), CancellationToken.None);

        var file = Assert.Single(Directory.GetFiles(Root));
        Assert.Equal("日报\n", await File.ReadAllTextAsync(file));
    }

    [Fact]
    public async Task Two_alerts_that_end_in_the_same_second_are_two_files_in_their_order()
    {
        var at = Digests.PeriodEnd;
        var first = Digests.Sample("第一条告警\n", leader: "alert:office") with { From = at.AddSeconds(-60), To = at.AddMilliseconds(100) };
        var second = Digests.Sample("第二条告警\n", leader: "alert:office") with { From = first.To, To = at.AddMilliseconds(400) };

        await Channel(Root).SendAsync(first, CancellationToken.None);
        await Channel(Root).SendAsync(second, CancellationToken.None);

        var files = Directory.GetFiles(Root).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["alert_office-20240502-080000-100.md", "alert_office-20240502-080000-400.md"], files.Select(Path.GetFileName));
        Assert.Equal("第一条告警\n", await File.ReadAllTextAsync(files[0]));
        Assert.Equal("第二条告警\n", await File.ReadAllTextAsync(files[1]));
    }

    [Fact]
    public async Task Leaders_whose_names_make_the_same_file_name_never_overwrite_each_other()
    {
        // "a/b" and "a_b" are both a_b on disk; their digests end at the same time.
        await Channel(Root).SendAsync(Digests.Sample("a/b 的日报\n", leader: "a/b"), CancellationToken.None);
        await Channel(Root).SendAsync(Digests.Sample("a_b 的日报\n", leader: "a_b"), CancellationToken.None);
        await Channel(Root).SendAsync(Digests.Sample("a_b 的日报\n", leader: "a_b"), CancellationToken.None); // its retry

        var files = Directory.GetFiles(Root).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["a_b-20240502-080000-000-2.md", "a_b-20240502-080000-000.md"], files.Select(Path.GetFileName));
        Assert.Equal("a_b 的日报\n", await File.ReadAllTextAsync(files[0]));
        Assert.Equal("a/b 的日报\n", await File.ReadAllTextAsync(files[1]));
    }

    [Theory]
    [InlineData("a/b\\c:d*e?f\"g<h>i|j", "a_b_c_d_e_f_g_h_i_j")]
    [InlineData("../../etc/passwd", "_.._etc_passwd")]
    [InlineData("  ", "leader")]
    [InlineData("CON", "_CON")]
    [InlineData("张三 (值班)", "张三 (值班)")]
    public void Leader_names_become_safe_file_names(string leader, string safe)
    {
        Assert.Equal(safe, FileChannel.FileSafe(leader));
    }

    [Theory]
    [InlineData("王", 70)]
    [InlineData("王", 200)]
    [InlineData("😀", 100)]
    public async Task A_long_chinese_leader_name_is_cut_so_the_digest_is_written_and_a_retry_keeps_its_one_file(string character, int count)
    {
        var leader = string.Concat(Enumerable.Repeat(character, count));
        var digest = Digests.Sample("日报\n", leader: leader);

        await Channel(Root).SendAsync(digest, CancellationToken.None);
        await Channel(Root).SendAsync(digest, CancellationToken.None); // a retry

        var file = Assert.Single(Directory.GetFiles(Root));
        Assert.Equal("日报\n", await File.ReadAllTextAsync(file));
        var name = Path.GetFileName(file);
        Assert.EndsWith("-20240502-080000-000.md", name, StringComparison.Ordinal);
        var kept = name[..^"-20240502-080000-000.md".Length];
        Assert.StartsWith(kept, leader, StringComparison.Ordinal);
        Assert.False(char.IsHighSurrogate(kept[^1])); // cut between whole characters
        Assert.True(kept.Length >= 48, kept);
        // Room left for the hidden file the digest is written to first.
        Assert.InRange(Encoding.UTF8.GetByteCount($".{name}.{Guid.Empty:N}.tmp"), 1, 255);
    }

    [Fact]
    public async Task A_leader_name_with_separators_stays_inside_the_folder()
    {
        await Channel(Root).SendAsync(Digests.Sample(leader: "../evil"), CancellationToken.None);

        var file = Assert.Single(Directory.GetFiles(Root));
        Assert.Equal("_evil-20240502-080000-000.md", Path.GetFileName(file));
    }

    [Fact]
    public async Task A_folder_that_cannot_be_created_fails_as_a_channel_failure()
    {
        var blocker = Path.Combine(Root, "not-a-folder");
        await File.WriteAllTextAsync(blocker, "x");

        var failure = await Assert.ThrowsAsync<DigestChannelException>(
            () => Channel(Path.Combine(blocker, "digests")).SendAsync(Digests.Sample(), CancellationToken.None));

        Assert.Contains("file channel 'archive'", failure.Message, StringComparison.Ordinal);
    }
}
