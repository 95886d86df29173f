using System.Text.Json.Serialization;

namespace BatchWords.Batch;

/// <summary>
/// The account a task runs as: a named user of the pool, or an auto-user. Give one of the two; when neither
/// is given the task runs as a non-admin auto-user.
/// </summary>
public sealed class UserIdentity
{
    /// <summary>A user account defined on the pool. The wire name is "username" (lowercase n).</summary>
    [JsonPropertyName("username")]
    public string? Username { get; set; }

    public AutoUserSpecification? AutoUser { get; set; }
}

/// <summary>The auto-user a task runs as. Service defaults: scope pool, elevation nonadmin.</summary>
public sealed class AutoUserSpecification
{
    public AutoUserScope? Scope { get; set; }
    public ElevationLevel? ElevationLevel { get; set; }
}
