using Azure.Core;

namespace BatchWords;

/// <summary>
/// Wraps the token credential a context uses so that a credential that cannot get a token fails with an error
/// that names the scope it was asked for and what to check (sign-in, and the roles README lists), instead of
/// whatever the credential library threw from deep inside an upload or a Batch call.
/// </summary>
internal sealed class DiagnosedTokenCredential : TokenCredential
{
    private readonly TokenCredential _inner;
    private readonly string _description;

    private DiagnosedTokenCredential(TokenCredential inner, string description)
    {
        _inner = inner;
        _description = description;
    }

    /// <summary>The credential, wrapped once (wrapping a wrapped one returns it as is).</summary>
    public static TokenCredential Wrap(TokenCredential credential, string? description = null)
        => credential is DiagnosedTokenCredential ? credential : new DiagnosedTokenCredential(credential, description ?? credential.GetType().Name);

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        try { return _inner.GetToken(requestContext, cancellationToken); }
        catch (Exception e) when (e is not OperationCanceledException) { throw Failed(requestContext, e); }
    }

    public override async ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        try { return await _inner.GetTokenAsync(requestContext, cancellationToken).ConfigureAwait(false); }
        catch (Exception e) when (e is not OperationCanceledException) { throw Failed(requestContext, e); }
    }

    private BwException Failed(TokenRequestContext context, Exception error)
    {
        var scope = string.Join(" ", context.Scopes);
        var role = scope.Contains("batch.core.windows.net", StringComparison.OrdinalIgnoreCase)
            ? "Azure Batch Data Contributor on the Batch account"
            : "Storage Blob Data Contributor on the storage account";
        var cause = error is BwException bw ? bw.Message : error.Message;
        return new BwException(BwErrorKind.AuthenticationError, "TokenAcquisitionFailed",
            $"The credential ({_description}) could not get a Microsoft Entra ID token for scope '{scope}': {SecretScrubber.Scrub(ServiceFailureText.FirstLine(cause))}",
            scope,
            $"Check that the credential can sign in (Connect-AzAccount, az login, a managed identity or the AZURE_* variables) for the right tenant, " +
            $"and that its identity holds the role {role} (README, Local and Azure).",
            error);
    }
}
