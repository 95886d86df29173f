using System;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;

namespace BatchWordsTests
{
    /// <summary>A TokenCredential built in the test session (its Azure.Core, not the module's): mints the unsigned tokens the local Entra ID stack accepts.</summary>
    public sealed class SessionCredential : TokenCredential
    {
        private int _batchTokens, _storageTokens;
        /// <summary>The Batch tokens' real lifetime (their exp); they always claim an hour (ExpiresOn), as a credential on a skewed clock would.</summary>
        public int BatchLifetimeSeconds { get; set; } = 3600;
        /// <summary>Throw instead of minting (a credential that cannot sign in).</summary>
        public string FailWith { get; set; }
        public int BatchTokens => _batchTokens;
        public int StorageTokens => _storageTokens;
        public string ObjectId { get; } = Guid.NewGuid().ToString();
        public const string TenantId = "22222222-3333-4444-8555-666666666666";

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            if (FailWith != null) throw new InvalidOperationException(FailWith);
            var scope = requestContext.Scopes[0];
            var audience = scope.EndsWith("/.default", StringComparison.Ordinal) ? scope.Substring(0, scope.Length - "/.default".Length) : scope;
            var now = DateTimeOffset.UtcNow;
            var isBatch = audience.Contains("batch.core.windows.net");
            if (isBatch) Interlocked.Increment(ref _batchTokens); else Interlocked.Increment(ref _storageTokens);
            var exp = now.AddSeconds(isBatch ? BatchLifetimeSeconds : 3600);
            var payload = "{\"aud\":\"" + audience + "\",\"iss\":\"https://sts.windows.net/" + TenantId + "/\",\"iat\":" + now.AddMinutes(-1).ToUnixTimeSeconds() +
                ",\"nbf\":" + now.AddMinutes(-1).ToUnixTimeSeconds() + ",\"exp\":" + exp.ToUnixTimeSeconds() + ",\"oid\":\"" + ObjectId + "\",\"tid\":\"" + TenantId + "\"}";
            return new AccessToken(Encode("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + Encode(payload) + ".", now.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
            => new ValueTask<AccessToken>(GetToken(requestContext, cancellationToken));

        private static string Encode(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
