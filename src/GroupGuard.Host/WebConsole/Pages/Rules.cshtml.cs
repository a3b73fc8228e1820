using GroupGuard.Core.Detection;
using GroupGuard.Core.Rules;
using GroupGuard.Core.Text;
using Microsoft.AspNetCore.Mvc;

namespace GroupGuard.Host.WebConsole.Pages;

/// <summary>One hit in the sandbox, with the text it covers as written and how it matched.</summary>
public sealed record SandboxHit(string Rule, string Matched, int Start, int Length, string Written, IReadOnlyList<string> Ways);

/// <summary>One sandbox line: the text, its folded form and its hits.</summary>
public sealed record SandboxLine(string Line, string Folded, IReadOnlyList<SandboxHit> Hits);

public sealed class RulesModel(IRuleSetProvider provider, TimeProvider time, IWordSegmenter? segmenter = null) : ConsolePage
{
    public const int MaxSandboxChars = 20_000;
    public const int MaxSandboxLines = 500;

    public RuleSet Running => provider.Current;

    public IReadOnlyList<string> Problems => [.. provider.Status.Errors, .. provider.Status.Warnings];

    public string? SandboxText { get; private set; }

    public string? Folder { get; private set; }

    public IReadOnlyList<string> FolderErrors { get; private set; } = [];

    public IReadOnlyList<SandboxLine>? Results { get; private set; }

    public string? ResultVersion { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostSandboxAsync(string? text, string? folder)
    {
        SandboxText = text ?? "";
        Folder = folder?.Trim();
        if (SandboxText.Length > MaxSandboxChars)
        {
            return BadRequest($"The sandbox takes at most {MaxSandboxChars} characters.");
        }

        var lines = SandboxText.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Where(l => l.Length > 0).ToList();
        if (lines.Count > MaxSandboxLines)
        {
            return BadRequest($"The sandbox takes at most {MaxSandboxLines} lines.");
        }

        var rules = provider.Current;
        if (Folder is { Length: > 0 })
        {
            if (Folder.Length > 400 || !Directory.Exists(Folder))
            {
                FolderErrors = [$"{Folder}: not a folder on the server"];
                return Page();
            }

            var loaded = RuleLoader.Load(Path.GetFullPath(Folder), time);
            if (loaded.RuleSet is null)
            {
                FolderErrors = [.. loaded.Errors.Select(e => e.ToString())];
                return Page();
            }

            rules = loaded.RuleSet;
        }

        // The running segmenter already knows the running rules' terms; another folder's are not
        // pushed into it (that would change the live service's word boundaries).
        Results = [.. lines.Select(line => Try(rules, line, segmenter))];
        ResultVersion = rules.Version;
        await AuditAsync("sandbox", Folder is { Length: > 0 } ? Folder : "running rules", $"{lines.Count} lines");
        return Page();
    }

    internal static SandboxLine Try(RuleSet rules, string line, IWordSegmenter? segmenter)
    {
        var verdict = MessageDetector.Detect(rules, line, groupId: null, segmenter);
        return new SandboxLine(
            line,
            rules.Fold(line),
            [.. verdict.Hits.Select(h =>
            {
                var written = line.Substring(h.Start, h.Length);
                return new SandboxHit(h.Rule.Id, h.Matched, h.Start, h.Length, written, FoldExplainer.Explain(rules, written, h.Matched));
            })]);
    }
}
