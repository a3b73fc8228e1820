namespace GroupGuard.Host.Tests;

/// <summary>
/// Jieba's dictionary is one per process, and each rule set forces its own terms into it: test
/// classes that segment with different rule sets run one after another in this collection, so none
/// sees another's terms.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class JiebaCollection
{
    public const string Name = "Jieba dictionary";
}
