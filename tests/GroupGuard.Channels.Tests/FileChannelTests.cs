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
    public async Task Writes_the_markdown_named_by_leader_and_period_end_creating_the_folder()
    {
        var folder = Path.Combine(Root, "data", "digests");
        var digest = Digests.Sample();

        await Channel(folder).SendAsync(digest, CancellationToken.None);

        var file = Path.Combine(folder, "王经理-20240502-080000.md");
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
    public async Task Sending_again_replaces_the_file_and_leaves_no_temporary_files()
    {
        await Channel(Root).SendAsync(Digests.Sample("old\n"), CancellationToken.None);
        await Channel(Root).SendAsync(Digests.Sample("new\n"), CancellationToken.None);

        var file = Assert.Single(Directory.GetFiles(Root));
        Assert.Equal("new\n", await File.ReadAllTextAsync(file));
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

    [Fact]
    public async Task A_leader_name_with_separators_stays_inside_the_folder()
    {
        await Channel(Root).SendAsync(Digests.Sample(leader: "../evil"), CancellationToken.None);

        var file = Assert.Single(Directory.GetFiles(Root));
        Assert.Equal("_evil-20240502-080000.md", Path.GetFileName(file));
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
