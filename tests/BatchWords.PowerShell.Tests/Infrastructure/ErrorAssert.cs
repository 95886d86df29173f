using System.Management.Automation;
using Xunit;

namespace BatchWords.PowerShell.Tests.Infrastructure;

/// <summary>Checks an ErrorRecord the way a script sees it: FullyQualifiedErrorId, category and target.</summary>
public static class ErrorAssert
{
    /// <summary>
    /// Asserts the record's FullyQualifiedErrorId is "<paramref name="errorId"/>,BatchWords.PowerShell.<paramref name="cmdletClass"/>",
    /// its category <paramref name="category"/> and its TargetObject <paramref name="target"/> (compared as text).
    /// </summary>
    public static ErrorRecord Is(ErrorRecord record, string errorId, string cmdletClass, ErrorCategory category, object? target)
    {
        var expected = $"{errorId},BatchWords.PowerShell.{cmdletClass}";
        var actual = (record.FullyQualifiedErrorId, record.CategoryInfo.Category, Target: (record.TargetObject is PSObject p ? p.BaseObject : record.TargetObject)?.ToString());
        Assert.True((expected, category, target?.ToString()) == actual,
            $"Expected ({expected}, {category}, target '{target}') but got ({actual.FullyQualifiedErrorId}, {actual.Category}, target '{actual.Target}'): {record}");
        return record;
    }
}
