namespace GroupGuard.Core;

/// <summary>What retention does to evidence past its age.</summary>
public enum RetentionMode
{
    /// <summary>Delete the incidents.</summary>
    Delete,

    /// <summary>Keep the incidents, blank their message text and normalized text.</summary>
    Mask,
}
