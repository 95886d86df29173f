using System.Text.RegularExpressions;
using BatchWords.Emulator.Http;
using BatchWords.Emulator.Model;

namespace BatchWords.Emulator.Api;

/// <summary>
/// Request checks shared by the endpoints (§11.3): id syntax, required properties, enum values, and the parts of
/// the API the emulator cannot run (refused with a reason rather than ignored, so nothing silently differs).
/// </summary>
public static partial class Validation
{
    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex IdPattern();

    public static string Id(string? id, string property = "id")
    {
        if (string.IsNullOrEmpty(id)) throw BatchRequestException.MissingProperty(property);
        if (!IdPattern().IsMatch(id))
            throw BatchRequestException.InvalidProperty(property, id, "An id has 1 to 64 letters, digits, hyphens and underscores.");
        return id;
    }

    public static T Required<T>(T? value, string property) where T : class =>
        value ?? throw BatchRequestException.MissingProperty(property);

    public static void NotPresent(System.Text.Json.JsonElement? value, string property, string reason)
    {
        if (value is { ValueKind: not (System.Text.Json.JsonValueKind.Null or System.Text.Json.JsonValueKind.Undefined) } element &&
            !(element.ValueKind == System.Text.Json.JsonValueKind.Array && element.GetArrayLength() == 0))
            throw BatchRequestException.Unsupported(property, reason);
    }

    public static void Metadata(IReadOnlyList<NameValue>? items, string property)
    {
        foreach (var item in items ?? Array.Empty<NameValue>())
            if (string.IsNullOrEmpty(item.Name)) throw BatchRequestException.MissingProperty(property + ".name");
    }

    public static void Environment(IReadOnlyList<NameValue>? settings, string property)
    {
        foreach (var setting in settings ?? Array.Empty<NameValue>())
            if (string.IsNullOrEmpty(setting.Name)) throw BatchRequestException.MissingProperty(property + ".name");
    }

    public static UserIdentity? Identity(UserIdentity? identity, string property)
    {
        if (identity?.AutoUser is not { } auto) return identity;
        return identity with
        {
            AutoUser = auto with
            {
                Scope = WireEnums.Normalize(auto.Scope, WireEnums.AutoUserScopes, property + ".autoUser.scope"),
                ElevationLevel = WireEnums.Normalize(auto.ElevationLevel, WireEnums.ElevationLevels, property + ".autoUser.elevationLevel"),
            },
        };
    }

    /// <summary>Exactly one source per resource file; filePath never leaves the working directory.</summary>
    public static void ResourceFiles(IReadOnlyList<ResourceFile>? files, string property)
    {
        foreach (var file in files ?? Array.Empty<ResourceFile>())
        {
            var sources = new[] { file.HttpUrl, file.StorageContainerUrl, file.AutoStorageContainerName }.Count(s => !string.IsNullOrEmpty(s));
            if (sources != 1)
                throw BatchRequestException.InvalidProperty(property, null, "Each resource file needs exactly one of httpUrl, storageContainerUrl, autoStorageContainerName.");
            if (!string.IsNullOrEmpty(file.AutoStorageContainerName))
                throw BatchRequestException.Unsupported(property + ".autoStorageContainerName", "The emulator has no linked storage account; use storageContainerUrl or httpUrl.");
            var url = file.HttpUrl ?? file.StorageContainerUrl!;
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https" or "file"))
                throw BatchRequestException.InvalidProperty(property, null, "A resource file URL must be an absolute http(s) or file URL.");
            if (!string.IsNullOrEmpty(file.HttpUrl) && string.IsNullOrEmpty(file.FilePath)) throw BatchRequestException.MissingProperty(property + ".filePath");
            if (file.FilePath is { } path && (path.StartsWith('/') || path.Replace('\\', '/').Split('/').Contains("..")))
                throw BatchRequestException.InvalidProperty(property + ".filePath", path, "filePath must stay inside the working directory (no '..', not absolute).");
            if (file.FileMode is { } mode && !IsOctal(mode))
                throw BatchRequestException.InvalidProperty(property + ".fileMode", mode, "fileMode is an octal string such as 0755.");
        }
    }

    private static bool IsOctal(string text) => text.Length is > 0 and <= 4 && text.All(c => c is >= '0' and <= '7');

    public static IReadOnlyList<OutputFile>? OutputFiles(IReadOnlyList<OutputFile>? outputs)
    {
        if (outputs is null) return null;
        var normalized = new List<OutputFile>();
        foreach (var output in outputs)
        {
            if (string.IsNullOrEmpty(output.FilePattern)) throw BatchRequestException.MissingProperty("outputFiles.filePattern");
            var container = Required(Required(output.Destination, "outputFiles.destination").Container, "outputFiles.destination.container");
            if (string.IsNullOrEmpty(container.ContainerUrl)) throw BatchRequestException.MissingProperty("outputFiles.destination.container.containerUrl");
            if (!Uri.TryCreate(container.ContainerUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                throw BatchRequestException.InvalidProperty("outputFiles.destination.container.containerUrl", null, "containerUrl must be an absolute http(s) URL.");
            if (container.IdentityReference is not null)
                throw BatchRequestException.Unsupported("outputFiles.destination.container.identityReference", "The emulator has no managed identities; use a SAS URL.");
            var options = Required(output.UploadOptions, "outputFiles.uploadOptions");
            var condition = WireEnums.Normalize(Required(options.UploadCondition, "outputFiles.uploadOptions.uploadCondition"),
                WireEnums.UploadConditions, "outputFiles.uploadOptions.uploadCondition");
            normalized.Add(output with { UploadOptions = options with { UploadCondition = condition } });
        }
        return normalized;
    }

    public static StartTask? StartTask(StartTask? startTask)
    {
        if (startTask is null) return null;
        if (string.IsNullOrEmpty(startTask.CommandLine)) throw BatchRequestException.MissingProperty("startTask.commandLine");
        NotPresent(startTask.ContainerSettings, "startTask.containerSettings", "The emulator runs no containers.");
        ResourceFiles(startTask.ResourceFiles, "startTask.resourceFiles");
        Environment(startTask.EnvironmentSettings, "startTask.environmentSettings");
        if (startTask.MaxTaskRetryCount is < -1) throw BatchRequestException.InvalidProperty("startTask.maxTaskRetryCount", startTask.MaxTaskRetryCount.ToString(), "Use -1 or more.");
        return startTask with { UserIdentity = Identity(startTask.UserIdentity, "startTask.userIdentity") };
    }
}
