namespace GroupGuard.Channels;

/// <summary>Markdown files in a folder: <c>"Type": "file"</c>.</summary>
public sealed class FileChannelOptions : DigestChannelOptions
{
    public override string Type => ChannelTypes.File;

    /// <summary>
    /// The folder (created when missing); relative to the working directory, like the other data
    /// paths. Files are named <c>&lt;leader&gt;-&lt;period end as yyyyMMdd-HHmmss-fff&gt;.md</c>, the period
    /// end in its own offset (UTC for what the outbox sends); a file is never replaced by another
    /// message's (a name taken by another leader's gets <c>-2</c>, <c>-3</c> …).
    /// </summary>
    public string? Path { get; set; }

    internal static FileChannelOptions Read(ChannelSettingsReader reader) => new() { Path = reader.String(nameof(Path)) };

    internal override void Validate(string key, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(Path))
        {
            failures.Add($"{key}:Path is required for file");
            return;
        }

        if (Path.IndexOfAny(System.IO.Path.GetInvalidPathChars()) >= 0)
        {
            failures.Add($"{key}:Path contains characters a path cannot have");
        }
    }
}
