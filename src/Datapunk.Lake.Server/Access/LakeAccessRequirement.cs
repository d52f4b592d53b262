using Microsoft.AspNetCore.Authorization;

namespace Datapunk.Lake.Server.Access;

/// <summary>Needs a token with <see cref="Scope"/>, or the default right for the request's method when it is null.</summary>
public sealed record LakeAccessRequirement(string? Scope) : IAuthorizationRequirement;
