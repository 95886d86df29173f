using System.Net;

namespace BatchWords;

/// <summary>Is a local service answering HTTP? Any response counts (Azurite answers 400/403 to an anonymous GET).</summary>
internal static class EndpointProbe
{
    // No proxy: the endpoints are loopback, and an HTTP(S)_PROXY from the environment must not intercept them.
    private static readonly HttpClient Client = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(3) };

    public static async Task<bool> AnswersAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await Client.GetAsync(endpoint, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            return response.StatusCode != 0;
        }
        catch (HttpRequestException) { return false; }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested) { return false; }
    }
}
