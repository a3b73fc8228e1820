using System.Globalization;
using System.Text.RegularExpressions;

namespace GroupGuard.Host.Health;

/// <summary>
/// Masks personal contact details in a channel's error for <c>/healthz</c>, which anyone who can
/// reach the service reads without signing in, and for the next digest, which a group robot may
/// post to a whole group (the console and <c>digest list</c> show the error whole). Every email address keeps its first character and its domain (<c>w***@example.com</c>);
/// each recipient configured under <c>GroupGuard:Channels</c> (a QQ number under <c>UserId</c>, an
/// address under <c>To</c>) is masked where it stands whole. Only the recipients are looked for,
/// not every long number: an errcode such as 460101 stays readable.
/// </summary>
internal sealed partial class ContactMask
{
    private const string Hidden = "***";

    private readonly Regex? _recipients;

    private ContactMask(IEnumerable<string> recipients)
    {
        // Longest first, so a recipient that holds another is masked whole.
        var alternatives = recipients
            .Where(static r => r.Length > 0)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .OrderByDescending(static r => r.Length)
            .Select(Regex.Escape)
            .ToList();
        _recipients = alternatives.Count == 0
            ? null
            : new Regex(
                $@"(?<![\p{{L}}\p{{N}}])(?:{string.Join('|', alternatives)})(?![\p{{L}}\p{{N}}])",
                RegexOptions.IgnoreCase | RegexOptions.CultureInvariant,
                TimeSpan.FromSeconds(1));
    }

    /// <summary>The recipients configured now: each channel's <c>UserId</c> and <c>To</c> (one value or a list; <c>Name &lt;address&gt;</c> read as the address).</summary>
    public static ContactMask FromSettings(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var recipients = new List<string>();
        foreach (var channel in configuration.GetSection("GroupGuard:Channels").GetChildren())
        {
            var to = channel.GetSection("To");
            IEnumerable<string?> values = [channel["UserId"], to.Value, .. to.GetChildren().Select(static c => c.Value)];
            recipients.AddRange(values
                .Where(static v => !string.IsNullOrWhiteSpace(v))
                .Select(static v => Address(v!.Trim())));
        }

        return new ContactMask(recipients);
    }

    internal static ContactMask Of(params string[] recipients) => new(recipients.Select(Address));

    /// <summary><paramref name="text"/> with every email address and configured recipient masked.</summary>
    public string Apply(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // Addresses first: a recipient the pattern does not read as one (a quoted local part) is
        // then masked whole, and no mask is masked again.
        var masked = EmailPattern().Replace(text, static m => MaskLocal(m.Groups["local"].Value) + "@" + m.Groups["domain"].Value);
        return _recipients?.Replace(masked, static m => Mask(m.Value)) ?? masked;
    }

    /// <summary>A recipient as masked: an address keeps its first character and domain, a number its first character and last two.</summary>
    private static string Mask(string recipient)
    {
        var at = recipient.LastIndexOf('@');
        if (at > 0)
        {
            return MaskLocal(recipient[..at]) + recipient[at..];
        }

        return recipient.Length >= 6 ? string.Concat(First(recipient), Hidden, recipient.AsSpan(recipient.Length - 2)) : Hidden;
    }

    private static string MaskLocal(string local) => First(local) + Hidden;

    private static string First(string text) => text[..StringInfo.GetNextTextElementLength(text)];

    /// <summary><c>Name &lt;user@domain&gt;</c> read as <c>user@domain</c>; anything else as it is.</summary>
    private static string Address(string recipient)
    {
        var open = recipient.LastIndexOf('<');
        var close = recipient.LastIndexOf('>');
        return open >= 0 && close > open + 1 ? recipient[(open + 1)..close].Trim() : recipient;
    }

    /// <summary>
    /// An address as it appears in an error: the local part's characters of RFC 5322 (and any
    /// letter), a dotted domain. The local part starts where those characters do, so a long run of
    /// them is read once, not from each of its characters.
    /// </summary>
    [GeneratedRegex(@"(?<![\p{L}\p{N}!#$%&'*+/=?^_`{|}~.\-])(?<local>[\p{L}\p{N}!#$%&'*+/=?^_`{|}~.\-]+)@(?<domain>[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)*)", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex EmailPattern();
}
