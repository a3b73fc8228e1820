namespace GroupGuard.WeCom;

/// <summary>
/// WeCom's chat archive (会话内容存档) as its SDK serves it: encrypted records by sequence number,
/// their decryption once the random key is known, and media files by their <c>sdkfileid</c>.
/// <see cref="FinanceSdk"/> calls Tencent's library; tests may stand in for it.
/// </summary>
/// <remarks>
/// Every method throws <see cref="FinanceSdkException"/> when the SDK refuses the call (its
/// <see cref="FinanceSdkException.Code"/> set) or answers something unexpected, and
/// <see cref="ObjectDisposedException"/> once the SDK is disposed. Calls may come from any thread.
/// </remarks>
internal interface IFinanceSdk
{
    /// <summary>
    /// The records after <paramref name="seq"/> (0 for the first), at most
    /// <paramref name="limit"/> (1 to 1000) of them, in the order WeCom gives them.
    /// </summary>
    /// <param name="seq">The last sequence number already seen; 0 to start from the beginning of what WeCom still keeps.</param>
    /// <param name="limit">How many records at most, 1 to 1000.</param>
    /// <param name="proxy">A proxy for the SDK's connection (<c>socks5://host:port</c>, <c>http://host:port</c>), or null for none.</param>
    /// <param name="password">The proxy's <c>user:password</c>, or null.</param>
    /// <param name="timeoutSeconds">How long the SDK may take, in seconds (at least 1).</param>
    IReadOnlyList<EncryptedRecord> GetChatData(ulong seq, uint limit, string? proxy, string? password, int timeoutSeconds);

    /// <summary>
    /// The plaintext JSON of a message: <paramref name="encryptedMessage"/> is a record's
    /// <see cref="EncryptedRecord.EncryptChatMsg"/>, <paramref name="randomKey"/> its random key as
    /// <see cref="ArchiveKeys.TryDecryptRandomKey"/> gave it.
    /// </summary>
    string DecryptData(string randomKey, string encryptedMessage);

    /// <summary>
    /// A media file (picture, voice, video, file) of a message, whole: the SDK gives it in pieces,
    /// and this asks for the next until the SDK says it is finished.
    /// </summary>
    /// <param name="sdkFileId">The message's <c>sdkfileid</c>.</param>
    /// <param name="proxy">As for <see cref="GetChatData"/>.</param>
    /// <param name="password">As for <see cref="GetChatData"/>.</param>
    /// <param name="timeoutSeconds">How long each piece may take, in seconds (at least 1).</param>
    /// <param name="maxBytes">The most bytes to accept: a larger file throws <see cref="FinanceSdkException"/> as soon as it passes this.</param>
    /// <param name="cancellationToken">Looked at before each piece: once cancelled, the download stops there with <see cref="OperationCanceledException"/>.</param>
    byte[] GetMediaData(string sdkFileId, string? proxy, string? password, int timeoutSeconds, long maxBytes, CancellationToken cancellationToken);
}
