using System.Net;

namespace BatchWords;

/// <summary>Is a local service answering HTTP? Any response counts (Azurite answers 400/403 to an anonymous GET).</summary>
internal static class EndpointProbe
{
    // No proxy: the endpoints are loopback, and an HTTP(S)_PROXY from the environment must not intercept them.
    private static readonly HttpClient Client = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(3) };

    /// <summary>
    /// With <paramref name="certificateThumbprint"/>, an HTTPS endpoint answers only when it presents exactly that
    /// certificate (the local Entra ID stack's own): a service with another certificate is not ours to reuse.
    /// </summary>
    public static async Task<bool> AnswersAsync(Uri endpoint, string? certificateThumbprint, CancellationToken cancellationToken)
    {
        if (certificateThumbprint is null || endpoint.Scheme != Uri.UriSchemeHttps) return await AnswersAsync(Client, endpoint, cancellationToken).ConfigureAwait(false);
        if (!endpoint.IsLoopback) return false;
        using var pinned = new HttpClient(new LoopbackCertificateTrust(endpoint, certificateThumbprint).CreateHandler()) { Timeout = TimeSpan.FromSeconds(3) };
        return await AnswersAsync(pinned, endpoint, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<bool> AnswersAsync(HttpClient client, Uri endpoint, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await client.GetAsync(endpoint, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            return response.StatusCode != 0;
        }
        catch (HttpRequestException) { return false; }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested) { return false; }
    }
}
