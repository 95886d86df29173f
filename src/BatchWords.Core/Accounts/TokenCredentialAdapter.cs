using System.Reflection;
using Azure.Core;

namespace BatchWords;

/// <summary>
/// Turns a token credential into one of OUR Azure.Core's TokenCredential. The module's Azure.Core lives in
/// its own AssemblyLoadContext, so a credential built by Az.Accounts (another Azure.Core, another load
/// context) is not a TokenCredential to us even though it has the same shape: we call its GetToken and
/// GetTokenAsync by reflection and copy the AccessToken's Token and ExpiresOn.
/// </summary>
internal sealed class TokenCredentialAdapter : TokenCredential
{
    private readonly object _foreign;
    private readonly MethodInfo _getToken;
    private readonly MethodInfo? _getTokenAsync;
    private readonly Type _contextType;

    private TokenCredentialAdapter(object foreign, MethodInfo getToken, MethodInfo? getTokenAsync, Type contextType)
    {
        _foreign = foreign;
        _getToken = getToken;
        _getTokenAsync = getTokenAsync;
        _contextType = contextType;
    }

    /// <summary>Our TokenCredential as is; another Azure.Core's adapted; anything else is a clear error.</summary>
    public static TokenCredential From(object credential)
    {
        if (credential is TokenCredential ours) return ours;
        var type = credential.GetType();
        MethodInfo? Find(string name) => type.GetMethods(BindingFlags.Public | BindingFlags.Instance).FirstOrDefault(m =>
            m.Name == name && m.GetParameters() is { Length: 2 } p
            && p[0].ParameterType.FullName == "Azure.Core.TokenRequestContext" && p[1].ParameterType == typeof(CancellationToken));
        var getToken = Find("GetToken");
        if (getToken is null || getToken.ReturnType.FullName != "Azure.Core.AccessToken")
            throw new BwException(BwErrorKind.InvalidArgument, "InvalidCredential",
                $"The credential of type '{type.FullName}' is not an Azure.Core TokenCredential (it has no GetToken(TokenRequestContext, CancellationToken)).",
                type.FullName, "Pass an Azure.Identity credential (for example from Az.Accounts or New-Object Azure.Identity.DefaultAzureCredential), or use -UseEntraId alone.");
        return new TokenCredentialAdapter(credential, getToken, Find("GetTokenAsync"), getToken.GetParameters()[0].ParameterType);
    }

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        => ToOurs(Invoke(_getToken, requestContext, cancellationToken));

    public override async ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        if (_getTokenAsync is null) return GetToken(requestContext, cancellationToken);
        var valueTask = Invoke(_getTokenAsync, requestContext, cancellationToken);
        // ValueTask<their AccessToken>: AsTask() gives a Task we can await without naming their type.
        var task = (Task)valueTask.GetType().GetMethod("AsTask")!.Invoke(valueTask, null)!;
        await task.ConfigureAwait(false);
        return ToOurs(task.GetType().GetProperty("Result")!.GetValue(task)!);
    }

    private object Invoke(MethodInfo method, TokenRequestContext context, CancellationToken cancellationToken)
    {
        // The credential's own exception, unwrapped: DiagnosedTokenCredential turns it into an error naming the scope.
        try { return method.Invoke(_foreign, new[] { ToTheirs(context), cancellationToken })!; }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }

    private object ToTheirs(TokenRequestContext context)
    {
        // TokenRequestContext(string[] scopes, string? parentRequestId = null, ...): fill what we know, defaults for the rest.
        var ctor = _contextType.GetConstructors().Where(c => c.GetParameters() is { Length: > 0 } p && p[0].ParameterType == typeof(string[]))
            .OrderBy(c => c.GetParameters().Length).First();
        var parameters = ctor.GetParameters();
        var args = new object?[parameters.Length];
        args[0] = context.Scopes;
        for (var i = 1; i < parameters.Length; i++)
        {
            args[i] = parameters[i].Name switch
            {
                "parentRequestId" => context.ParentRequestId,
                "claims" => context.Claims,
                "tenantId" => context.TenantId,
                "isCaeEnabled" => context.IsCaeEnabled,
                _ => parameters[i].HasDefaultValue ? parameters[i].DefaultValue : null,
            };
        }
        return ctor.Invoke(args);
    }

    private static AccessToken ToOurs(object theirs)
    {
        var type = theirs.GetType();
        var token = (string)type.GetProperty("Token")!.GetValue(theirs)!;
        var expiresOn = (DateTimeOffset)type.GetProperty("ExpiresOn")!.GetValue(theirs)!;
        return new AccessToken(token, expiresOn);
    }
}
