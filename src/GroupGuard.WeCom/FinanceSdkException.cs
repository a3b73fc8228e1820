namespace GroupGuard.WeCom;

/// <summary>
/// WeCom's chat archive SDK could not be loaded, refused a call or answered something unexpected.
/// The message names what an operator can change (a setting, a file, the admin console), never a
/// secret or a key.
/// </summary>
/// <param name="message">What went wrong and what to do about it.</param>
/// <param name="code">The SDK's return code, or the <c>errcode</c> of its answer; null when the failure is not the SDK's own (a missing file, a malformed answer).</param>
/// <param name="inner">The exception that caused it, if any.</param>
internal sealed class FinanceSdkException(string message, int? code = null, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The SDK's return code or the answer's <c>errcode</c> (see <see cref="FinanceSdkErrors"/>); null when the failure is not the SDK's.</summary>
    public int? Code { get; } = code;

    /// <summary>A media file was larger than the caller allowed (<see cref="IFinanceSdk.GetMediaData"/>'s <c>maxBytes</c>).</summary>
    public bool TooLarge { get; init; }
}
