using Microsoft.Extensions.Hosting;

namespace GroupGuard.Text.Jieba;

/// <summary>
/// Loads the Jieba dictionary while the service starts and stops the start when it did not really
/// load (jieba.NET itself degrades silently without dict.txt). Also moves the ~0.5 s load off the
/// first chat message that needs a boundary check.
/// </summary>
internal sealed class JiebaStartupCheck : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        JiebaWordSegmenter.VerifyDictionary();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
