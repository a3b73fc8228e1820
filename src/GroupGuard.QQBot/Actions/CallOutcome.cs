using System.Globalization;
using GroupGuard.Core;
using GroupGuard.Core.Moderation;

namespace GroupGuard.QQBot.Actions;

/// <summary>The end of one attempt or one call: success, or why not, whether a retry may help, and the kind.</summary>
internal readonly record struct CallOutcome(string? Error, ActionErrorKind? Kind, bool Transient) : IAttemptOutcome
{
    public bool Succeeded => Error is null;

    public static CallOutcome Ok { get; } = new(null, null, false);

    public static CallOutcome Retry(string error) => new(error, ActionErrorKind.Unreachable, true);

    public static CallOutcome Fail(ActionErrorKind kind, string error) => new(error, kind, false);

    public ActionResult ToResult() => Succeeded ? ActionResult.Done : ActionResult.Failed(Kind ?? ActionErrorKind.Refused, Error!);
}

/// <summary>Small words shared by the token source and the transport.</summary>
internal static class Words
{
    public static string Cut(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max), "…");
}
