using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BatchWords.Emulator.Http;

/// <summary>
/// Turns every failure below it into a Batch error body: refusals keep their code and status, anything
/// unexpected becomes 500 InternalError with the §6.1 body (never a bare 500), logged as an error.
/// </summary>
public sealed class ErrorHandling
{
    private readonly RequestDelegate _next;
    private readonly ILogger<ErrorHandling> _logger;

    public ErrorHandling(RequestDelegate next, ILogger<ErrorHandling> logger)
    {
        _next = next;
        _logger = logger;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await _next(context).ConfigureAwait(false);
        }
        catch (BatchRequestException e)
        {
            if (e.Challenge is not null && !context.Response.HasStarted) context.Response.Headers.WWWAuthenticate = e.Challenge;
            await BatchErrorWriter.WriteAsync(context, e).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The caller went away: nobody is left to answer.
        }
        catch (Exception e)
        {
            // The path only: a query can carry a SAS-like secret, and the message must not leak one either.
            _logger.LogError(e, "Unhandled error in {Method} {Path}", context.Request.Method, context.Request.Path);
            await BatchErrorWriter.WriteAsync(context, (int)HttpStatusCode.InternalServerError, "InternalError",
                "Server encountered an internal error. Please try again after some time.",
                new[] { ("ExceptionType", e.GetType().Name) }).ConfigureAwait(false);
        }
    }
}
