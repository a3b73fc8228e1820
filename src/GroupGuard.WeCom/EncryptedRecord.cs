namespace GroupGuard.WeCom;

/// <summary>One record of <c>GetChatData</c>'s answer, still encrypted.</summary>
/// <param name="Seq">The record's place in the corporation's archive; the next call asks for records after the last one seen.</param>
/// <param name="MsgId">WeCom's id of the message.</param>
/// <param name="PublicKeyVersion">
/// <c>publickey_ver</c>: the version of the corporation's RSA key pair that
/// <paramref name="EncryptRandomKey"/> was encrypted with (<see cref="ArchiveKeys"/>).
/// </param>
/// <param name="EncryptRandomKey">
/// <c>encrypt_random_key</c>: base64 of the message's random key, RSA-encrypted (PKCS#1 v1.5) with
/// that version's public key.
/// </param>
/// <param name="EncryptChatMsg"><c>encrypt_chat_msg</c>: the message, opaque until <see cref="IFinanceSdk.DecryptData"/>.</param>
internal sealed record EncryptedRecord(ulong Seq, string MsgId, int PublicKeyVersion, string EncryptRandomKey, string EncryptChatMsg)
{
    /// <summary>
    /// What is wrong with the record when a field after its <c>seq</c> is missing or of another kind:
    /// it is passed over as unreadable, its <c>seq</c> known, and the rest of its page is taken.
    /// </summary>
    public string? Problem { get; init; }
}
