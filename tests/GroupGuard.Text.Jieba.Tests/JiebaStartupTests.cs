using GroupGuard.Core.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GroupGuard.Text.Jieba.Tests;

[Collection(JiebaCollection.Name)]
public sealed class JiebaStartupTests
{
    [Fact]
    public void The_resources_reach_the_output_of_a_project_that_references_the_segmenter()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "jieba");

        Assert.Equal(folder, JiebaDictionary.ResourcesDirectory);
        foreach (var file in JiebaDictionary.RequiredFiles)
        {
            Assert.True(File.Exists(Path.Combine(folder, file)), $"{file} missing from {folder}");
        }
    }

    [Fact]
    public void The_start_up_check_finds_the_whole_dictionary_loaded()
    {
        var ex = Record.Exception(JiebaWordSegmenter.VerifyDictionary);

        Assert.Null(ex);
    }

    [Fact]
    public async Task The_host_gets_the_segmenter_and_starts_with_the_dictionary_checked()
    {
        var services = new ServiceCollection().AddLogging().AddGroupGuardJieba(); // a host always has logging
        await using var provider = services.BuildServiceProvider();

        var segmenter = provider.GetRequiredService<IWordSegmenter>();
        Assert.IsType<JiebaWordSegmenter>(segmenter);
        Assert.Same(segmenter, provider.GetRequiredService<IWordSegmenter>());

        var startup = Assert.Single(provider.GetServices<IHostedService>().OfType<JiebaStartupCheck>());
        await startup.StartAsync(CancellationToken.None);

        var boundaries = segmenter.Boundaries("我去买漂白粉");
        Assert.Equal([0, 1, 2, 3, 6], boundaries);
    }
}
